#pragma once
// What a node tells the planner before anything runs (scheduler/ owns the planning).
// Filled in from file headers and shapes alone; no weights are read.
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "graph/workflow.hpp"
#include "runtime/core/device.hpp"

namespace vkflow::nodes {

struct Estimate {
  std::string model_file;      // weights this node keeps resident ("" = none)
  uint64_t weight_bytes = 0;   // resident weight bytes on the target device
  uint64_t peak_bytes = 0;     // activations + workspace while it runs
  double flops = 0;            // for the rough time estimate
  double bytes_moved = 0;
  nlohmann::json options;      // e.g. {"tile": 512}
};

struct EstimateContext {
  const graph::NodeDoc& node;
  DeviceKind target;
  nlohmann::json inputs;       // literal inputs and upstream metadata (shapes, files)
  nlohmann::json options;      // options being tried (tile size, chunking)
};

}  // namespace vkflow::nodes
