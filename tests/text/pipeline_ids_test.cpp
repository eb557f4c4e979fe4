// The token ids the sd15_tiny and flux_tiny pipelines fed their text encoders.
#include <gtest/gtest.h>

#include "runtime/formats/safetensors.hpp"
#include "runtime/text/clip_tokenizer.hpp"
#include "runtime/text/t5_tokenizer.hpp"
#include "tests/common/paths.hpp"

using vkflow::formats::SafetensorsFile;
using namespace vkflow::text;

namespace {
const char* kPrompts[] = {"a photo of an astronaut riding a horse on mars",
                          "A cozy cabin in the snowy mountains, oil painting"};

std::vector<int32_t> row(const std::vector<float>& all, size_t r, size_t n) {
  std::vector<int32_t> out;
  for (size_t i = 0; i < n; ++i) out.push_back(static_cast<int32_t>(all[r * n + i]));
  return out;
}
}  // namespace

TEST(PipelineIds, FluxT5AndClip) {
  auto f = SafetensorsFile::open(vkflow::test::data_dir() / "text/flux_tiny_ids.safetensors");
  const auto t5 = f.read_f32("t5_input_ids");
  const auto clip = f.read_f32("clip_input_ids");
  for (size_t r = 0; r < 2; ++r) {
    EXPECT_EQ(T5Tokenizer::embedded().encode_padded(kPrompts[r], 256), row(t5, r, 256)) << r;
    EXPECT_EQ(ClipTokenizer::embedded().encode_padded(kPrompts[r], 77), row(clip, r, 77)) << r;
  }
}

TEST(PipelineIds, Sd15Clip) {
  auto f = SafetensorsFile::open(vkflow::test::data_dir() / "text/sd15_tiny_ids.safetensors");
  const auto ids = f.read_f32("te_input_ids");
  for (size_t r = 0; r < 2; ++r) EXPECT_EQ(ClipTokenizer::embedded().encode_padded(kPrompts[r]), row(ids, r, 77)) << r;
  EXPECT_EQ(ClipTokenizer::embedded().encode_padded(""), row(f.read_f32("te_empty_input_ids"), 0, 77));
}
