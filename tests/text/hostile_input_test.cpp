// Tokenizers take user text: invalid UTF-8, control characters, NULs and very long words must
// tokenize (invalid bytes as U+FFFD) without throwing or taking long.
#include <gtest/gtest.h>

#include <chrono>

#include "runtime/text/clip_tokenizer.hpp"
#include "runtime/text/t5_tokenizer.hpp"
#include "runtime/text/weighted_chunks.hpp"
#include "runtime/text/whisper_tokenizer.hpp"

using namespace vkflow::text;

namespace {
std::vector<std::string> hostile() {
  std::string long_word(4000, 'a');
  for (size_t i = 0; i < long_word.size(); i += 7) long_word[i] = 'b';
  return {std::string("\xff\xfe\x80 abc \xe2\x82", 10), std::string("nul\0inside", 10), "\x01\x02\x1b[31m red",
          long_word, std::string(3000, '('), std::string(3000, ')'), "(((a:1e308))) (b:nan) (c:-inf)",
          std::string(2000, ' ') + "x"};
}
}  // namespace

TEST(HostileInput, AllTokenizersCope) {
  const auto start = std::chrono::steady_clock::now();
  for (const auto& s : hostile()) {
    EXPECT_GE(ClipTokenizer::embedded().encode_full(s).size(), 2u);
    EXPECT_GE(T5Tokenizer::embedded().encode(s).size(), 1u);
    const auto& w = WhisperTokenizer::embedded(true);
    const auto ids = w.encode(s);
    // Whisper decodes valid UTF-8 input back byte for byte.
    if (s.find('\xff') == std::string::npos && s.find("\xe2\x82") == std::string::npos) {
      EXPECT_EQ(w.decode(ids), s);
    }
    EXPECT_FALSE(clip_tokenize_with_weights(ClipTokenizer::embedded(), s).empty());
    EXPECT_GE(t5_tokenize_with_weights(T5Tokenizer::embedded(), s).size(), 256u);
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 20.0);  // generous: a quadratic blow-up would take minutes
}
