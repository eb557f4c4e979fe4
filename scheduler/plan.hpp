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

// One model's weights moving in or out of one device's memory.
struct Residency {
  std::string model;                 // model identity ("<file>#<component>@<dtype>")
  std::string device;                // "vulkan0", "cpu"
  uint64_t bytes = 0;
};

struct Placement {
  std::string node;                  // node id
  std::string type;                  // node type (for display)
  DeviceKind device = DeviceKind::Cpu;
  int device_index = 0;              // which Vulkan device
  std::string device_name;           // "vulkan0", "cpu"
  nlohmann::json options;            // e.g. {"tile": 512, "stream_weights": true}
  std::string label;                 // short form of the options ("tile 64/8")
  std::string model_file;            // weights it uses ("" = none; first of `models`)
  std::vector<std::string> models;   // every model identity it uses
  uint64_t weight_bytes = 0;         // estimated resident weights (device + streamed on host)
  uint64_t peak_bytes = 0;           // estimated activations + workspace
  // The part of peak_bytes the device's allocator accounts (Footprint::peak_bytes; on the CPU
  // peak_bytes adds plain host buffers): what `vkflow run` measures against.
  uint64_t allocator_peak_bytes = 0;
  double seconds = 0;                // rough time estimate (compute + loads before it)
  std::vector<std::string> load;     // model identities to load before this node runs
  std::vector<std::string> unload;   // model identities to free after it
  std::vector<Residency> loads;      // the same with device and size
  std::vector<Residency> unloads;
  std::string why;                   // short reason for the choice (shown by `vkflow plan`)
};

// Per device, the memory in use at every step (same order as Plan::steps).
struct DeviceTimeline {
  std::string device;
  uint64_t usable = 0;
  std::vector<uint64_t> resident;    // weights resident during the step (incl. live outputs)
  std::vector<uint64_t> peak;        // resident + the running node's working memory
};

struct Plan {
  std::vector<Placement> steps;      // in execution order
  std::vector<DeviceTimeline> timeline;
  double total_seconds = 0;
  std::string machine;               // profile or "this machine"
  std::vector<std::string> notes;    // e.g. "re-planned after out of memory at node 5"
  const Placement* find(const std::string& node) const {
    for (const auto& p : steps)
      if (p.node == node) return &p;
    return nullptr;
  }
};

}  // namespace vkflow::scheduler
