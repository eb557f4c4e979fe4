#pragma once
// What one way of running a model costs, computed from file headers and shapes alone (no
// weights read). Model-family estimators (runtime/models/*_estimate.hpp) return these; workflow
// nodes hand them to the planner through their estimate hook (nodes/estimate.hpp).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/core/device.hpp"

namespace vkflow::models {

// Weights a variant keeps resident while it runs. `model` is the identity of the weights
// ("<file>#<component>@<dtype>"): two nodes naming the same identity on the same device share
// one resident copy, so the planner loads it once.
struct WeightUse {
  std::string model;
  uint64_t bytes = 0;
  bool on_host = false;  // resident in host RAM even when the node runs on a GPU (streaming)
};

// One way to run a node on one device kind: its options (tile size, attention chunk, weight
// streaming), resident weights, and peak working memory beyond the weights.
struct Footprint {
  DeviceKind device = DeviceKind::Cpu;
  nlohmann::json options = nlohmann::json::object();  // what the node's run() reads back
  std::string label;            // short human form of the options ("tile 64/8", "full")
  std::vector<WeightUse> weights;
  uint64_t peak_bytes = 0;      // activations + workspace on `device`
  uint64_t host_peak_bytes = 0; // extra host RAM while it runs (GPU variants: staging, etc.)
  uint64_t largest_alloc = 0;   // largest single buffer (checked against maxMemoryAllocationSize)
  double flops = 0;             // total for the node (all steps, all batch entries)
  double bytes_moved = 0;       // device-memory traffic (weights read per step, activations)
  double host_transfer = 0;     // bytes crossing host<->device while running (streamed weights)
  std::string note;             // why this variant exists ("weights streamed block by block")

  uint64_t weight_bytes() const {
    uint64_t s = 0;
    for (const auto& w : weights) s += w.bytes;
    return s;
  }
};

}  // namespace vkflow::models
