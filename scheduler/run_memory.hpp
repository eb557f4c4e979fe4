#pragma once
// Measured memory of a run beside the plan's estimates: per node (on the device it ran on) and
// per device. Measured numbers come from the devices' allocator accounting
// (Device::memory(): bytes in use and high-water mark); plain host buffers outside a Device
// (PNG rows, audio frames in std::vector) are not in them, which is why estimates keep those
// in Footprint::host_peak_bytes and compare only Placement::allocator_peak_bytes.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace vkflow::scheduler {

struct NodeMemory {
  std::string device;              // plan name: "cpu", "vulkan0"
  // High-water of the device's bytes in use while the node ran, minus what was in use when it
  // started, minus what stayed allocated after it: its activations and workspace.
  uint64_t measured_peak = 0;
  // Bytes still allocated after the node that were not before: the weights it loaded (through
  // the model pool or a model handle) and device outputs it keeps.
  uint64_t measured_weights = 0;
  uint64_t estimated_peak = 0;     // Placement::allocator_peak_bytes
  uint64_t estimated_weights = 0;  // weights the plan loads on that device before the node
  nlohmann::json to_json() const;
};

struct DeviceMemory {
  std::string device;              // plan name
  std::string description;         // Device::name()
  uint64_t measured_peak = 0;      // high-water during the run minus bytes in use before it
  uint64_t estimated_peak = 0;     // the plan's highest step on that device (0 = not planned)
  uint64_t usable = 0;             // the plan's budget for it
  nlohmann::json to_json() const;
};

// "vulkan0  measured 5.10 GiB  estimated 5.32 GiB (budget 7.60 GiB)" lines, then per node.
struct NodeReport;
std::string memory_text(const std::vector<DeviceMemory>& devices, const std::vector<NodeReport>& nodes);

}  // namespace vkflow::scheduler
