#include "scheduler/live_devices.hpp"

#include <algorithm>

#include "runtime/vulkan/device_info.hpp"

namespace vkflow::scheduler {
namespace {

// Vulkan devices from the backend's enumeration, host RAM from /proc/meminfo.
class VulkanLiveSource : public HostOnlySource {
 public:
  std::vector<LiveGpu> gpus() override {
    std::vector<LiveGpu> out;
    for (const auto& d : vk::enumerate_devices()) {
      LiveGpu g;
      g.name = d.name;
      g.heap_size = d.device_local_bytes();
      if (d.has_memory_budget) {
        // heapBudget covers this process's own use too; what is left to plan with is budget - usage.
        uint64_t best = 0;
        for (const auto& h : d.heaps)
          if (h.device_local && h.size > best) best = h.size, g.heap_budget = h.budget > h.usage ? h.budget - h.usage : 0;
      }
      g.max_alloc = d.max_allocation;
      g.integrated = d.type == "integrated" || d.type == "cpu";
      out.push_back(g);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<LiveDeviceSource> live_device_source() { return std::make_unique<VulkanLiveSource>(); }

}  // namespace vkflow::scheduler
