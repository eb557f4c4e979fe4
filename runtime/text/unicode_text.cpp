#include "runtime/text/unicode_text.hpp"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/regex.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "runtime/core/error.hpp"

namespace vkflow::text {

namespace {
icu::UnicodeString from_utf8(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}
std::string utf8_of(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}
void check(UErrorCode st, const char* what) {
  if (U_FAILURE(st)) throw Error(std::string("ICU ") + what + " failed: " + u_errorName(st));
}
std::string normalize(std::string_view s, const icu::Normalizer2* (*get)(UErrorCode&), const char* what) {
  UErrorCode st = U_ZERO_ERROR;
  const icu::Normalizer2* n = get(st);
  check(st, what);
  icu::UnicodeString out = n->normalize(from_utf8(s), st);
  check(st, what);
  return utf8_of(out);
}
}  // namespace

std::string nfc(std::string_view s) { return normalize(s, &icu::Normalizer2::getNFCInstance, "NFC"); }
std::string nfkc(std::string_view s) { return normalize(s, &icu::Normalizer2::getNFKCInstance, "NFKC"); }

std::string lowercase(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t cp : to_utf32(s)) {
    if (cp == 0x130) {  // the one unconditional multi-code-point lowercase mapping
      out += "i\xCC\x87";
      continue;
    }
    append_utf8(out, static_cast<char32_t>(u_tolower(static_cast<UChar32>(cp))));
  }
  return out;
}

std::vector<std::string_view> graphemes(std::string_view s) {
  std::vector<std::string_view> out;
  if (s.empty()) return out;
  UErrorCode st = U_ZERO_ERROR;
  std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), st));
  check(st, "grapheme iterator");
  const icu::UnicodeString u = from_utf8(s);
  it->setText(u);
  // Map UTF-16 boundaries back to byte offsets by walking code points.
  std::vector<size_t> byte_at(static_cast<size_t>(u.length()) + 1, 0);
  size_t b = 0;
  int32_t i = 0;
  while (i < u.length()) {
    const UChar32 c = u.char32At(i);
    const int32_t n = U16_LENGTH(c);
    for (int32_t k = 0; k < n; ++k) byte_at[static_cast<size_t>(i + k)] = b;
    b += utf8_length(static_cast<unsigned char>(s[std::min(b, s.size() - 1)]));
    i += n;
  }
  byte_at[static_cast<size_t>(u.length())] = s.size();
  int32_t start = it->first();
  for (int32_t end = it->next(); end != icu::BreakIterator::DONE; start = end, end = it->next()) {
    const size_t a = byte_at[static_cast<size_t>(start)], z = byte_at[static_cast<size_t>(end)];
    out.push_back(s.substr(a, z - a));
  }
  return out;
}

size_t utf8_length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}

std::u32string to_utf32(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t n = utf8_length(c);
    char32_t cp = 0xFFFD;
    if (n == 1 && c < 0x80) {
      cp = c;
    } else if (n > 1 && i + n <= s.size()) {
      cp = c & (0x7F >> n);
      bool ok = true;
      for (size_t k = 1; k < n; ++k) {
        const auto cc = static_cast<unsigned char>(s[i + k]);
        if ((cc >> 6) != 0x2) ok = false;
        cp = (cp << 6) | (cc & 0x3F);
      }
      if (!ok) {
        cp = 0xFFFD;
        out.push_back(cp);
        ++i;
        continue;
      }
    } else {
      out.push_back(cp);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

struct Regex::Impl {
  std::unique_ptr<icu::RegexPattern> pattern;
};

Regex::Regex(std::string_view pattern) : impl_(std::make_unique<Impl>()) {
  UErrorCode st = U_ZERO_ERROR;
  UParseError pe;
  impl_->pattern.reset(icu::RegexPattern::compile(from_utf8(pattern), pe, st));
  if (U_FAILURE(st))
    throw Error("bad regular expression '" + std::string(pattern) + "': " + u_errorName(st));
}
Regex::~Regex() = default;
Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;

std::vector<std::string> Regex::findall(std::string_view s) const {
  UErrorCode st = U_ZERO_ERROR;
  const icu::UnicodeString u = from_utf8(s);
  std::unique_ptr<icu::RegexMatcher> m(impl_->pattern->matcher(u, st));
  check(st, "regex matcher");
  std::vector<std::string> out;
  while (m->find(st)) {
    check(st, "regex find");
    out.push_back(utf8_of(m->group(st)));
  }
  check(st, "regex find");
  return out;
}

std::string Regex::replace_all(std::string_view s, std::string_view replacement) const {
  UErrorCode st = U_ZERO_ERROR;
  const icu::UnicodeString u = from_utf8(s);
  std::unique_ptr<icu::RegexMatcher> m(impl_->pattern->matcher(u, st));
  check(st, "regex matcher");
  // Escape $ and \ so the replacement is literal.
  icu::UnicodeString rep;
  for (char32_t c : to_utf32(replacement)) {
    if (c == U'$' || c == U'\\') rep.append(static_cast<UChar>('\\'));
    rep.append(static_cast<UChar32>(c));
  }
  icu::UnicodeString out = m->replaceAll(rep, st);
  check(st, "regex replace");
  return utf8_of(out);
}

}  // namespace vkflow::text
