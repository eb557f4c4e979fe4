#pragma once
// SentencePiece's "precompiled_charsmap" normaliser (an NFKC-like table compiled into a
// darts-clone double-array trie plus a blob of replacement strings), applied the way HF
// tokenizers' Precompiled normaliser applies it: per extended grapheme cluster (if shorter than
// 6 bytes and the trie knows a prefix of it), else per code point; the first (shortest) trie
// match replaces the whole grapheme / code point.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vkflow::text {

class PrecompiledCharsmap {
 public:
  // `blob` is the decoded charsmap: u32 trie byte size, the trie, then the strings.
  explicit PrecompiledCharsmap(std::string_view blob);
  std::string normalize(std::string_view utf8) const;

 private:
  // Value of the shortest key that is a prefix of `key`, or -1.
  int64_t first_prefix_value(std::string_view key) const;
  bool transform(std::string_view chunk, std::string& out) const;

  std::vector<uint32_t> trie_;
  std::string strings_;
};

}  // namespace vkflow::text
