// CLIP BPE against transformers' CLIPTokenizer on the 30 fixture prompts.
#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/text/clip_tokenizer.hpp"
#include "tests/text/tokenizer_cases.hpp"

using vkflow::text::ClipTokenizer;

TEST(ClipTokenizer, FullIdsMatchTransformers) {
  const auto& tok = ClipTokenizer::embedded();
  for (const auto& c : vkflow::test::tokenizer_cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    EXPECT_EQ(tok.encode_full(text), c["clip"]["ids_full"].get<std::vector<int32_t>>()) << text;
  }
}

TEST(ClipTokenizer, Sd15PaddedIdsMatchTransformers) {
  const auto& tok = ClipTokenizer::embedded();
  for (const auto& c : vkflow::test::tokenizer_cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    EXPECT_EQ(tok.encode_padded(text), c["clip"]["ids_77"].get<std::vector<int32_t>>()) << text;
  }
}

TEST(ClipTokenizer, DecodeRoundTripsPlainText) {
  const auto& tok = ClipTokenizer::embedded();
  EXPECT_EQ(tok.decode(tok.encode("a photo of an astronaut, café 123")), "a photo of an astronaut , café 1 2 3");
  EXPECT_EQ(tok.vocab_size(), 49408u);
  EXPECT_THROW(tok.decode({49408}), vkflow::Error);
}

TEST(ClipTokenizer, RejectsBrokenVocabularies) {
  EXPECT_THROW(ClipTokenizer("{", "", "t"), vkflow::FormatError);
  EXPECT_THROW(ClipTokenizer(R"({"a": 0})", "#version: 0.2\na b\n", "t"), vkflow::FormatError);  // no specials
  EXPECT_THROW(ClipTokenizer(R"({"a": 5})", "", "t"), vkflow::FormatError);
  EXPECT_THROW(ClipTokenizer(R"({"<|startoftext|>": 0, "<|endoftext|>": 1})", "#version\nab\n", "t"),
               vkflow::FormatError);
}
