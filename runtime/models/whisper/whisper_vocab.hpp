#pragma once
// The tokenizer of a Whisper model from the model's own files: a whisper.cpp .bin's vocabulary
// section, an HF folder's vocab.json, else the embedded tiktoken vocabulary that fits its
// n_vocab (multilingual 51865/51866, English-only 51864).
#include <filesystem>
#include <memory>

#include "runtime/formats/model_file.hpp"
#include "runtime/text/whisper_tokenizer.hpp"

namespace vkflow::models::whisper {

// (The embedded vocabularies are shared, not copied.) `path`: the file or folder `m` was opened from. Throws Error when n_vocab fits no Whisper
// vocabulary, FormatError for a malformed vocab.json.
std::shared_ptr<const text::WhisperTokenizer> tokenizer_for(const formats::ModelFile& m, const std::filesystem::path& path);

}  // namespace vkflow::models::whisper
