#!/usr/bin/env python3
"""Copies the whisper_tiny fixture files the model tests need (pure Python, no numpy).

usage: extract.py <fixtures dir> <out dir>
Writes whisper_tiny_io.safetensors (encoder_out_short, prefix_logits_last, prefix_logits_all_rowsum as F32;
prefix_tokens and greedy_tokens_* converted from I64 to F32, exact below 2^24), copies ggml-model-f16.bin and
hf/'s files but model.safetensors (the tests rebuild it from its header and the .bin's weights; see
tests/whisper/hf_folder.hpp). mel_short is already in tests/data/dsp/whisper_mel_short.safetensors.
Then scripts/pack_data.sh packs the large files."""
import json, os, shutil, struct, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'samplers'))
from extract import read_st, write_st  # noqa: E402


def i64_to_f32(raw):
    n = len(raw) // 8
    return struct.pack('<%df' % n, *[float(v) for v in struct.unpack('<%dq' % n, raw)])


def main():
    fx, out = sys.argv[1], sys.argv[2]
    io = read_st(os.path.join(fx, 'whisper_tiny', 'io.safetensors'))
    keep = {}
    for k in ('encoder_out_short', 'prefix_logits_last', 'prefix_logits_all_rowsum'):
        keep[k] = io[k]
    for k in ('prefix_tokens', 'greedy_tokens_notimestamps', 'greedy_tokens_timestamps'):
        dt, shape, raw = io[k]
        assert dt == 'I64'
        keep[k] = ('F32', shape, i64_to_f32(raw))
    write_st(os.path.join(out, 'whisper_tiny_io.safetensors'), keep, {'source': 'fixtures/whisper_tiny/io.safetensors'})
    shutil.copyfile(os.path.join(fx, 'whisper_tiny', 'ggml-model-f16.bin'), os.path.join(out, 'ggml-model-f16.bin'))
    os.makedirs(os.path.join(out, 'hf'), exist_ok=True)
    for name in ('config.json', 'generation_config.json', 'special_tokens_map.json', 'tokenizer_config.json',
                 'added_tokens.json', 'vocab.json', 'merges.txt'):
        shutil.copyfile(os.path.join(fx, 'whisper_tiny', 'hf', name), os.path.join(out, 'hf', name))


if __name__ == '__main__':
    main()
