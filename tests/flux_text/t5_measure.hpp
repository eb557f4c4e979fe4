#pragma once
// What the T5 encoders really allocate on a device, measured through Device::memory(), and a
// plain T5 forward for the node tests. In a file of its own: models::WeightUse names both an enum (weight_set.hpp) and a struct
// (footprint.hpp), so the encoders and the estimators cannot share a translation unit.
#include <cstdint>
#include <vector>

#include "runtime/core/device.hpp"

namespace vkflow::test {

struct T5Allocation {
  uint64_t weight_bytes = 0;  // resident weights (T5Encoder) / device bytes between calls (streaming)
  uint64_t run_peak = 0;      // peak bytes gained while encoding the fixture's 2 x 256 ids
  uint64_t block_bytes = 0;   // streaming: the largest block's weights
};

T5Allocation measure_t5(Device& dev, bool streaming);

// The tiny T5's last_hidden_state for one row of ids, as host floats.
std::vector<float> t5_encode(Device& dev, const std::vector<int64_t>& ids);

}  // namespace vkflow::test
