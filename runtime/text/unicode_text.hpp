#pragma once
// Unicode helpers the tokenizers share, on UTF-8 std::strings (ICU underneath).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vkflow::text {

std::string nfc(std::string_view utf8);
std::string nfkc(std::string_view utf8);
// Per-code-point full lowercase mapping, as Rust's char::to_lowercase (no context rules:
// a final capital sigma becomes σ, not ς), which is what HF tokenizers' Lowercase does.
std::string lowercase(std::string_view utf8);
// Extended grapheme clusters, in order.
std::vector<std::string_view> graphemes(std::string_view utf8);
// Code points of a UTF-8 string; invalid sequences become U+FFFD.
std::u32string to_utf32(std::string_view utf8);
std::string to_utf8(std::u32string_view s);
void append_utf8(std::string& out, char32_t cp);
// Byte length of the UTF-8 sequence starting with `lead` (1 for invalid lead bytes).
size_t utf8_length(unsigned char lead);

// A compiled ICU regular expression. findall() returns every non-overlapping match, left to
// right, like Python's re.findall with no groups.
class Regex {
 public:
  explicit Regex(std::string_view pattern);
  ~Regex();
  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  std::vector<std::string> findall(std::string_view utf8) const;
  // Replaces every match with `replacement` (literal text).
  std::string replace_all(std::string_view utf8, std::string_view replacement) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vkflow::text
