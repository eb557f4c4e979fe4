#include "graph/workflow.hpp"

namespace vkflow::graph {

const char* to_string(DevicePin p) {
  switch (p) {
    case DevicePin::Vulkan: return "vulkan";
    case DevicePin::Cpu: return "cpu";
    default: return "auto";
  }
}

}  // namespace vkflow::graph
