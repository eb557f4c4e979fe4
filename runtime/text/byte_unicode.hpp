#pragma once
// GPT-2's reversible byte <-> printable-character table (bytes_to_unicode), used by
// byte-level BPE vocabularies stored as text (CLIP's vocab.json, HF Whisper's vocab.json).
#include <array>
#include <string>
#include <string_view>

namespace vkflow::text {

// The code point each byte maps to.
const std::array<char32_t, 256>& byte_to_unicode();
// Bytes -> their printable spelling (UTF-8).
std::string bytes_to_unicode_text(std::string_view bytes);
// The inverse; throws vkflow::Error on a character outside the table.
std::string unicode_text_to_bytes(std::string_view text);

}  // namespace vkflow::text
