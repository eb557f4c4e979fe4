#!/usr/bin/env python3
"""Regenerate sd.cpp vocab headers that the snapshot lacks (blobs >= 4 MiB were not stored).
t5.hpp is rebuilt from the public T5 tokenizer.json in the shared fixtures; the others (LLM
tokenizers unused by SD1.5/FLUX) become one-byte arrays so the build links."""
import sys, pathlib
vocab = pathlib.Path(sys.argv[1])
t5_json = pathlib.Path(sys.argv[2])
def emit(path, name, data):
    with open(path, "w") as f:
        f.write(f"static const unsigned char {name}[] = {{\n")
        for i in range(0, len(data), 64):
            f.write(",".join(str(b) for b in data[i:i+64]) + ",\n")
        f.write("};\n")
stubs = {"gemma2_merges.hpp": "gemma2_merges_utf8_c_str", "gemma2_vocab.hpp": "gemma2_vocab_json_utf8_c_str",
         "gemma_merges.hpp": "gemma_merges_utf8_c_str", "gemma_vocab.hpp": "gemma_vocab_json_utf8_c_str",
         "gpt_oss_merges.hpp": "gpt_oss_merges_utf8_c_str", "gpt_oss_vocab.hpp": "gpt_oss_vocab_json_utf8_c_str",
         "mistral_merges.hpp": "mistral_merges_utf8_c_str", "mistral_vocab.hpp": "mistral_vocab_json_utf8_c_str",
         "qwen_merges.hpp": "qwen2_merges_utf8_c_str", "umt5.hpp": "umt5_tokenizer_json_str"}
for fn, name in stubs.items():
    if not (vocab / fn).exists():
        emit(vocab / fn, name, b"\n")
if not (vocab / "t5.hpp").exists():
    emit(vocab / "t5.hpp", "t5_tokenizer_json_str", t5_json.read_bytes())
