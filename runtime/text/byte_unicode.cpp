#include "runtime/text/byte_unicode.hpp"

#include <unordered_map>

#include "runtime/core/error.hpp"
#include "runtime/text/unicode_text.hpp"

namespace vkflow::text {

const std::array<char32_t, 256>& byte_to_unicode() {
  static const std::array<char32_t, 256> table = [] {
    std::array<char32_t, 256> t{};
    // Printable Latin-1 bytes map to themselves; the rest to 256, 257, ... in byte order.
    auto keeps = [](int b) { return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); };
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) t[static_cast<size_t>(b)] = keeps(b) ? static_cast<char32_t>(b) : next++;
    return t;
  }();
  return table;
}

std::string bytes_to_unicode_text(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  const auto& t = byte_to_unicode();
  for (unsigned char b : bytes) append_utf8(out, t[b]);
  return out;
}

std::string unicode_text_to_bytes(std::string_view text) {
  static const std::unordered_map<char32_t, unsigned char> inverse = [] {
    std::unordered_map<char32_t, unsigned char> m;
    const auto& t = byte_to_unicode();
    for (int b = 0; b < 256; ++b) m[t[static_cast<size_t>(b)]] = static_cast<unsigned char>(b);
    return m;
  }();
  std::string out;
  for (char32_t c : to_utf32(text)) {
    auto it = inverse.find(c);
    if (it == inverse.end()) throw Error("byte-level token text holds a character outside the byte table");
    out += static_cast<char>(it->second);
  }
  return out;
}

}  // namespace vkflow::text
