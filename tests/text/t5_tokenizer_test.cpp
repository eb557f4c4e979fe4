// T5 unigram tokenizer against transformers' T5TokenizerFast on the 30 fixture prompts.
#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/text/t5_tokenizer.hpp"
#include "tests/text/tokenizer_cases.hpp"

using vkflow::text::T5Tokenizer;

TEST(T5Tokenizer, IdsMatchTransformers) {
  const auto& tok = T5Tokenizer::embedded();
  for (const auto& c : vkflow::test::tokenizer_cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    EXPECT_EQ(tok.encode(text), c["t5"]["ids"].get<std::vector<int32_t>>()) << text;
  }
}

TEST(T5Tokenizer, PaddedIdsMatchTransformers) {
  const auto& tok = T5Tokenizer::embedded();
  for (const auto& c : vkflow::test::tokenizer_cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    EXPECT_EQ(tok.encode_padded(text, 16), c["t5"]["ids_max_length_16"].get<std::vector<int32_t>>()) << text;
  }
}

TEST(T5Tokenizer, SpecialTokensAndDecode) {
  const auto& tok = T5Tokenizer::embedded();
  EXPECT_EQ(tok.vocab_size(), 32100u);
  const auto ids = tok.encode("a cat <extra_id_0> sits");
  EXPECT_NE(std::find(ids.begin(), ids.end(), 32099), ids.end());
  EXPECT_EQ(tok.decode(tok.encode("a photo of an astronaut")), "a photo of an astronaut");
  EXPECT_THROW(tok.decode({40000}), vkflow::Error);
  EXPECT_THROW(T5Tokenizer("{}", "t"), vkflow::FormatError);
  EXPECT_THROW(T5Tokenizer(R"({"model": {"type": "BPE"}})", "t"), vkflow::FormatError);
}
