#include "runtime/text/precompiled_charsmap.hpp"

#include <cstring>

#include "runtime/core/error.hpp"
#include "runtime/text/unicode_text.hpp"

namespace vkflow::text {

PrecompiledCharsmap::PrecompiledCharsmap(std::string_view blob) {
  if (blob.size() < 4) throw FormatError("precompiled_charsmap", "shorter than its header");
  uint32_t trie_bytes = 0;
  std::memcpy(&trie_bytes, blob.data(), 4);  // little-endian on every supported host
  if (trie_bytes % 4 != 0 || trie_bytes > blob.size() - 4 || trie_bytes == 0)
    throw FormatError("precompiled_charsmap", "trie size " + std::to_string(trie_bytes) + " does not fit");
  trie_.resize(trie_bytes / 4);
  std::memcpy(trie_.data(), blob.data() + 4, trie_bytes);
  strings_.assign(blob.substr(4 + trie_bytes));
}

// darts-clone unit layout: bit 8 = has_leaf, low 31 bits = value (leaf units),
// label = bits 0-7 | bit 31, offset = (unit >> 10) << ((unit & (1 << 9)) >> 6).
int64_t PrecompiledCharsmap::first_prefix_value(std::string_view key) const {
  auto offset = [](uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); };
  size_t pos = offset(trie_[0]);
  for (unsigned char c : key) {
    pos ^= c;
    if (pos >= trie_.size()) return -1;
    const uint32_t unit = trie_[pos];
    if ((unit & ((1u << 31) | 0xFFu)) != c) return -1;
    pos ^= offset(unit);
    if (pos >= trie_.size()) return -1;
    if ((unit >> 8) & 1u) return static_cast<int64_t>(trie_[pos] & ((1u << 31) - 1));
  }
  return -1;
}

bool PrecompiledCharsmap::transform(std::string_view chunk, std::string& out) const {
  const int64_t v = first_prefix_value(chunk);
  if (v < 0) return false;
  if (static_cast<size_t>(v) > strings_.size()) throw FormatError("precompiled_charsmap", "string offset out of range");
  const size_t end = strings_.find('\0', static_cast<size_t>(v));
  out.append(strings_, static_cast<size_t>(v), (end == std::string::npos ? strings_.size() : end) - static_cast<size_t>(v));
  return true;
}

std::string PrecompiledCharsmap::normalize(std::string_view s) const {
  std::string out;
  out.reserve(s.size());
  for (std::string_view g : graphemes(s)) {
    if (g.size() < 6 && transform(g, out)) continue;
    for (size_t i = 0; i < g.size();) {
      const size_t n = std::min(utf8_length(static_cast<unsigned char>(g[i])), g.size() - i);
      const std::string_view cp = g.substr(i, n);
      if (!transform(cp, out)) out.append(cp);
      i += n;
    }
  }
  return out;
}

}  // namespace vkflow::text
