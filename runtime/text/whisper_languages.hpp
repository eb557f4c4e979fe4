#pragma once
// Whisper's language list in token order (openai-whisper tokenizer.LANGUAGES): language k has
// token id sot + 1 + k. Models with 99 languages use the first 99; large-v3 adds "yue".
#include <optional>
#include <span>
#include <string_view>

namespace vkflow::text {

struct WhisperLanguage {
  std::string_view code;  // "en"
  std::string_view name;  // "english"
};

std::span<const WhisperLanguage> whisper_languages();  // all 100
// Index of a language given by code ("de") or English name ("german", case-sensitive).
std::optional<size_t> whisper_language_index(std::string_view code_or_name);

}  // namespace vkflow::text
