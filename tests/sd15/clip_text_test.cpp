// CLIP text encoder against transformers' CLIPTextModel outputs in the sd15_tiny fixture, on
// every test device.
#include <gtest/gtest.h>

#include "runtime/models/clip/clip_text.hpp"
#include "tests/sd15/fixture.hpp"

namespace vkflow::models {
namespace {

using test::expect_matches;
using test::io_ids;
constexpr float kTol = 1e-4f;  // case.json tolerances.text_encoder

TEST(ClipText, ConfigFromWeights) {
  const auto& m = test::sd15_model();
  ClipTextModel clip(m, *test::test_devices().front(), ClipTextModel::prefix_in(m));
  const ClipTextConfig& c = clip.config();
  EXPECT_EQ(c.vocab, 49408);
  EXPECT_EQ(c.hidden, 16);
  EXPECT_EQ(c.layers, 2);
  EXPECT_EQ(c.heads, 2);  // from the file's vkflow.clip.num_heads metadata
  EXPECT_EQ(c.intermediate, 64);
  EXPECT_EQ(c.max_positions, 77);
  EXPECT_EQ(c.eos_token_id, 2);
  EXPECT_EQ(c.act, ClipActivation::QuickGelu);
  EXPECT_EQ(c.projection, 0);
  EXPECT_GT(clip.weight_bytes(), 0u);
}

TEST(ClipText, MatchesTransformersOnEveryDevice) {
  const auto& m = test::sd15_model();
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    ClipTextModel clip(m, *dev, "cond_stage_model.transformer.", {.heads = 2});
    const std::vector<int64_t> ids = io_ids("te_input_ids");
    const ClipTextOutput out = clip.encode(ids, 2, /*hidden_from_end=*/2);
    expect_matches(out.last_hidden_state, "te_last_hidden_state", kTol);
    expect_matches(out.hidden, "te_penultimate_hidden_state", kTol);
    expect_matches(out.hidden_normed, "te_clip_skip2", kTol);
    expect_matches(out.pooled, "te_pooler_output", kTol);
    EXPECT_FALSE(out.pooled_projected.defined());

    const std::vector<int64_t> empty = io_ids("te_empty_input_ids");
    const ClipTextOutput e = clip.encode(empty, 1, 2);
    expect_matches(e.last_hidden_state, "te_empty_last_hidden_state", kTol);
    expect_matches(e.hidden_normed, "te_empty_clip_skip2", kTol);

    // hidden_from_end = 1 is the last layer before the final norm: normed equals last_hidden_state.
    const ClipTextOutput last = clip.encode(empty, 1, 1);
    EXPECT_EQ(last.hidden_normed.to_f32(), last.last_hidden_state.to_f32());
  }
}

TEST(ClipText, PoolsAtFirstEosForNewConfigs) {
  const auto& m = test::sd15_model();
  Device& dev = *test::test_devices().front();
  // EOS (49407) is the largest id, so on padded SD1.5 ids argmax and first-EOS pool the same
  // row; without any EOS the first-EOS rule pools position 0 (transformers' argmax of a mask).
  ClipTextModel legacy(m, dev, "cond_stage_model.transformer.", {.heads = 2});
  ClipTextModel modern(m, dev, "cond_stage_model.transformer.", {.heads = 2, .eos_token_id = 49407});
  std::vector<int64_t> ids = io_ids("te_empty_input_ids");
  EXPECT_EQ(legacy.encode(ids, 1).pooled.to_f32(), modern.encode(ids, 1).pooled.to_f32());
  for (auto& id : ids)
    if (id == 49407) id = 320;  // no EOS at all
  const ClipTextOutput o = modern.encode(ids, 1);
  const std::vector<float> h = o.last_hidden_state.to_f32(), p = o.pooled.to_f32();
  EXPECT_EQ(p, std::vector<float>(h.begin(), h.begin() + 16));
}

TEST(ClipText, RejectsBadInput) {
  const auto& m = test::sd15_model();
  ClipTextModel clip(m, *test::test_devices().front(), "cond_stage_model.transformer.");
  std::vector<int64_t> ids(78, 49407);
  EXPECT_THROW(clip.encode(ids, 1), Error);              // more tokens than positions
  EXPECT_THROW(clip.encode(std::vector<int64_t>(77, 49408), 1), Error);  // outside the vocabulary
  EXPECT_THROW(clip.encode(std::vector<int64_t>(77, 1), 2), Error);      // 77 ids are not 2 rows
  EXPECT_THROW(clip.encode(std::vector<int64_t>(77, 1), 1, 4), Error);   // hidden_states[-4] of 2 layers
  EXPECT_THROW(ClipTextModel(m, *test::test_devices().front(), "no_such_prefix."), FormatError);
  EXPECT_THROW(ClipTextModel(m, *test::test_devices().front(), "cond_stage_model.transformer.", {.heads = 3}),
               FormatError);  // 16 does not split into 3 heads
}

}  // namespace
}  // namespace vkflow::models
