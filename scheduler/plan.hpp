#pragma once
// The execution plan the planner produces and the executor follows: execution order, the
// device and options of every node, when model weights load and unload, and the estimates
// the run's measured peaks are compared with.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/core/device.hpp"

namespace vkflow::scheduler {

struct Placement {
  std::string node;                  // node id
  DeviceKind device = DeviceKind::Cpu;
  int device_index = 0;              // which Vulkan device
  nlohmann::json options;            // e.g. {"tile": 512, "stream_weights": true}
  std::string model_file;            // weights it uses ("" = none)
  uint64_t weight_bytes = 0;         // estimated resident weights on `device`
  uint64_t peak_bytes = 0;           // estimated activations + workspace
  double seconds = 0;                // rough time estimate
  std::vector<std::string> load;     // model files to load before this node runs
  std::vector<std::string> unload;   // model files to free after it
  std::string why;                   // short reason for the choice (shown by `vkflow plan`)
};

struct Plan {
  std::vector<Placement> steps;      // in execution order
  const Placement* find(const std::string& node) const {
    for (const auto& p : steps)
      if (p.node == node) return &p;
    return nullptr;
  }
};

}  // namespace vkflow::scheduler
