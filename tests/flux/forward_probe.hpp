#pragma once
// What a FluxModel allocates on a device: its weights, and the activation peak of one forward
// on the fixture's inputs (128x128 px, 256 text tokens). In its own translation unit because
// weight_set.hpp's WeightUse enum and footprint.hpp's WeightUse struct cannot meet in one.
#include <cstdint>
#include <filesystem>

#include "runtime/core/device.hpp"

namespace vkflow::test {

struct FluxForwardUse {
  uint64_t weight_bytes = 0;
  uint64_t activation_peak = 0;  // inputs included
};
FluxForwardUse measure_flux_forward(const std::filesystem::path& file, Device& dev);

}  // namespace vkflow::test
