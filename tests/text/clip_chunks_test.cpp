// ComfyUI's prompt weights and 77-token chunking, against hand-worked cases and the token
// weights the real ComfyUI recorded (tests/data/comfyui_sd15/*.json).
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "runtime/text/clip_chunks.hpp"
#include "runtime/text/prompt_weights.hpp"
#include "tests/text/tokenizer_cases.hpp"

using namespace vkflow::text;

TEST(PromptWeights, ComfyRules) {
  const auto got = parse_prompt_weights("a (b) ((c)) (d:1.5) \\(e\\) [f]");
  const std::vector<WeightedText> want = {{"a ", 1.0}, {"b", 1.1},  {" ", 1.0},           {"c", 1.1 * 1.1},
                                          {" ", 1.0},  {"d", 1.5}, {" (e) [f]", 1.0}};
  EXPECT_EQ(got, want);
  // Not a number after ':' -> the colon stays and the group gets x1.1.
  EXPECT_EQ(parse_prompt_weights("(cat:big)"), (std::vector<WeightedText>{{"cat:big", 1.1}}));
  // Explicit weights are absolute, also when nested.
  EXPECT_EQ(parse_prompt_weights("((cat:0.5))"), (std::vector<WeightedText>{{"cat", 0.5}}));
  // Unbalanced parentheses.
  EXPECT_EQ(parse_prompt_weights("a) b"), (std::vector<WeightedText>{{"a) b", 1.0}}));
  EXPECT_EQ(parse_prompt_weights("a (b c"), (std::vector<WeightedText>{{"a ", 1.0}, {"(b c", 1.0}}));
  EXPECT_EQ(parse_prompt_weights(""), (std::vector<WeightedText>{}));
}

TEST(ClipChunks, MatchesRealComfyUiTokens) {
  const auto& tok = ClipTokenizer::embedded();
  for (const char* name : {"euler_normal", "dpmpp_2m_karras", "euler_ancestral_normal", "heun_normal"}) {
    std::ifstream f(vkflow::test::data_dir() / "comfyui_sd15" / (std::string(name) + ".json"));
    const auto c = nlohmann::json::parse(f);
    for (const char* side : {"positive", "negative"}) {
      const auto& recorded = c[std::string("tokens_") + side]["l"];
      const std::string prompt = c[side].get<std::string>();
      const auto chunks = clip_tokenize_with_weights(tok, prompt);
      ASSERT_EQ(chunks.size(), recorded.size()) << name;
      for (size_t k = 0; k < chunks.size(); ++k) {
        ASSERT_EQ(chunks[k].size(), recorded[k].size());
        for (size_t i = 0; i < chunks[k].size(); ++i) {
          EXPECT_EQ(chunks[k][i].id, recorded[k][i][0].get<int32_t>()) << name << " " << i;
          EXPECT_EQ(chunks[k][i].weight, recorded[k][i][1].get<double>()) << name << " " << i;
        }
      }
    }
  }
}

TEST(ClipChunks, LongPromptSplitsInto75TokenChunks) {
  const auto& tok = ClipTokenizer::embedded();
  for (const auto& c : vkflow::test::tokenizer_cases()["cases"]) {
    const auto text = c["text"].get<std::string>();
    const auto full = c["clip"]["ids_full"].get<std::vector<int32_t>>();
    if (full.size() <= 77) continue;
    // One unweighted segment of > 8 tokens: chunks are consecutive 75-token slices.
    const auto chunks = clip_tokenize_with_weights(tok, text, {.weights = false});
    const size_t n = full.size() - 2;
    ASSERT_EQ(chunks.size(), (n + 74) / 75) << text;
    for (size_t k = 0; k < chunks.size(); ++k) {
      ASSERT_EQ(chunks[k].size(), 77u);
      EXPECT_EQ(chunks[k][0].id, ClipTokenizer::kBos);
      const size_t take = std::min<size_t>(75, n - 75 * k);
      for (size_t i = 0; i < take; ++i) EXPECT_EQ(chunks[k][1 + i].id, full[1 + 75 * k + i]) << k << " " << i;
      for (size_t i = 1 + take; i < 77; ++i) EXPECT_EQ(chunks[k][i].id, ClipTokenizer::kEos);
    }
  }
}

TEST(ClipChunks, SmallSegmentMovesWholeToTheNextChunk) {
  const auto& tok = ClipTokenizer::embedded();
  std::string plain;
  for (int i = 0; i < 74; ++i) plain += "cat ";  // 74 tokens ("cat</w>" is one token)
  const auto chunks = clip_tokenize_with_weights(tok, plain + "(dog dog dog)", {.pad = 0});
  ASSERT_EQ(chunks.size(), 2u);
  // Chunk 1: BOS, 74 x cat, EOS, one pad; the 3-token group did not fit and moved.
  EXPECT_EQ(chunks[0][74].id, tok.encode("cat")[0]);
  EXPECT_EQ(chunks[0][75].id, ClipTokenizer::kEos);
  EXPECT_EQ(chunks[0][76].id, 0);
  EXPECT_EQ(chunks[1][1], (WeightedToken{tok.encode("dog")[0], 1.1}));
  EXPECT_EQ(chunks[1][3].weight, 1.1);
  EXPECT_EQ(chunks[1][4].id, ClipTokenizer::kEos);
  EXPECT_EQ(chunks[1][5].id, 0);
}

TEST(ClipChunks, LargeSegmentFillsTheChunkFirst) {
  const auto& tok = ClipTokenizer::embedded();
  std::string a, b;
  for (int i = 0; i < 70; ++i) a += "cat ";
  for (int i = 0; i < 10; ++i) b += "dog ";
  const auto chunks = clip_tokenize_with_weights(tok, a + "(" + b + ":0.8)");
  ASSERT_EQ(chunks.size(), 2u);
  // 70 cats + 5 dogs fill chunk 1 (75 tokens), the other 5 dogs open chunk 2.
  EXPECT_EQ(chunks[0][75], (WeightedToken{tok.encode("dog")[0], 0.8}));
  EXPECT_EQ(chunks[0][76].id, ClipTokenizer::kEos);
  for (int i = 1; i <= 5; ++i) EXPECT_EQ(chunks[1][i].weight, 0.8);
  EXPECT_EQ(chunks[1][6], (WeightedToken{ClipTokenizer::kEos, 1.0}));
}

TEST(ClipChunks, EmptyPromptIsOnePaddedChunk) {
  const auto chunks = clip_tokenize_with_weights(ClipTokenizer::embedded(), "");
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].size(), 77u);
  EXPECT_EQ(chunks[0][0].id, ClipTokenizer::kBos);
  for (size_t i = 1; i < 77; ++i) EXPECT_EQ(chunks[0][i].id, ClipTokenizer::kEos);
}
