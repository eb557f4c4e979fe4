// The planner's T5 estimate (t5_encoder_estimate) against what T5Encoder and
// T5StreamingEncoder really hold and allocate on every test device.
#include <gtest/gtest.h>

#include "runtime/models/model_header.hpp"
#include "runtime/models/text_encoder_estimate.hpp"
#include "tests/common/devices.hpp"
#include "tests/common/paths.hpp"
#include "tests/flux_text/t5_measure.hpp"

namespace vkflow::models {
namespace {

TEST(T5Estimate, MatchesWhatTheEncoderAllocates) {
  const ModelHeader h = read_model_header(test::data_dir() / "flux" / "t5_tiny_fp16.safetensors");
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    const auto est = t5_encoder_estimate(h, "", {256, 2, 4}, dev->kind());
    ASSERT_EQ(est.size(), dev->kind() == DeviceKind::Cpu ? 1u : 2u);
    const test::T5Allocation whole = test::measure_t5(*dev, false);
    EXPECT_EQ(est[0].weights[0].bytes, whole.weight_bytes);
    EXPECT_LE(whole.run_peak, est[0].peak_bytes);
    EXPECT_GE(whole.run_peak, est[0].peak_bytes / 4);  // and not wildly pessimistic
    if (dev->kind() == DeviceKind::Cpu) continue;

    const test::T5Allocation streamed = test::measure_t5(*dev, true);
    EXPECT_TRUE(est[1].weights[0].on_host);
    EXPECT_LE(streamed.weight_bytes + streamed.run_peak, est[1].peak_bytes);
    EXPECT_GE(streamed.run_peak, 2 * streamed.block_bytes);  // two blocks were resident at once
    EXPECT_LT(streamed.run_peak, whole.run_peak + whole.weight_bytes);
  }
}

}  // namespace
}  // namespace vkflow::models
