// The planner's FLUX estimate (runtime/models/flux_estimate.cpp) against what FluxModel really
// allocates: resident weights exactly on every test device, and the measured activation peak of
// a forward at 128x128 px with 256 text tokens within the estimate (and not far below it) on the
// CPU. The Vulkan backend frees buffers only once the submission that read them has finished,
// so a forward as small as this one (a single submission) holds every intermediate at once.
#include <gtest/gtest.h>

#include "runtime/models/flux_estimate.hpp"
#include "tests/common/devices.hpp"
#include "tests/common/paths.hpp"
#include "tests/flux/forward_probe.hpp"

namespace vkflow::models {
namespace {

TEST(FluxEstimate, MatchesWhatTheModelAllocates) {
  for (const char* file : {"flux_tiny_bf16.safetensors", "flux_tiny-Q8_0-Q4_0.gguf", "flux_tiny-sdcpp-q8_0.gguf"}) {
    const auto path = test::data_dir() / "formats" / file;
    const ModelHeader hdr = read_model_header(path);
    for (Device* dev : test::test_devices()) {
      SCOPED_TRACE(std::string(file) + " on " + dev->name());
      const auto est = flux_dit_estimate(hdr, {128, 128, 256, 1, 1, 4}, dev->kind());
      ASSERT_EQ(est.size(), 1u);
      const test::FluxForwardUse used = test::measure_flux_forward(path, *dev);
      EXPECT_EQ(est[0].weight_bytes(), used.weight_bytes);
      if (dev->kind() != DeviceKind::Cpu) continue;
      EXPECT_LE(used.activation_peak, est[0].peak_bytes);
      EXPECT_GE(used.activation_peak, est[0].peak_bytes / 2)
          << "estimate " << est[0].peak_bytes << " B, measured " << used.activation_peak;
    }
  }
}

}  // namespace
}  // namespace vkflow::models
