// FLUX's CLIP-L (clip_l.safetensors layout) through ClipTextModel: pooled output and last
// hidden state against transformers' CLIPTextModel in the flux_tiny fixture, every device.
#include <gtest/gtest.h>

#include "runtime/models/clip/clip_text.hpp"
#include "tests/flux_text/fixture.hpp"

namespace vkflow::models {
namespace {

TEST(FluxClipL, MatchesTransformersOnEveryDevice) {
  const auto& m = test::flux_clip_file();
  ASSERT_EQ(ClipTextModel::prefix_in(m), "");
  const std::vector<int64_t> ids = test::flux_ids("clip_input_ids");
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    ClipTextModel clip(m, *dev, ClipTextModel::prefix_in(m));  // heads from the file's metadata
    EXPECT_EQ(clip.config().heads, 2);
    EXPECT_EQ(clip.config().projection, 0);
    const ClipTextOutput out = clip.encode(ids, 2);
    test::expect_flux_matches(out.pooled, "clip_pooler_output");
    test::expect_flux_matches(out.last_hidden_state, "clip_last_hidden_state");
  }
}

}  // namespace
}  // namespace vkflow::models
