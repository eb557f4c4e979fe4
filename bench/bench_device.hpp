#pragma once
// Device choice and measured peaks for the benchmarks. The CPU is built in; "vulkan[N]"
// opens Vulkan device N (default: VKFLOW_DEVICE or the first discrete one) on the path
// VKFLOW_VK_PATH selects (fp32|fast; default fast when the device has it).
#include <map>
#include <memory>
#include <stdexcept>
#include <string>

#include "runtime/core/device.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/peak.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

namespace vkflow::bench {

struct Peak {
  double gflops = 0;  // fp32 FMA throughput
  double gbps = 0;    // copy bandwidth (read + write)
  std::string how;
};

inline std::map<std::string, std::unique_ptr<vulkan::VulkanDevice>>& opened_devices() {
  static std::map<std::string, std::unique_ptr<vulkan::VulkanDevice>> opened;
  return opened;
}

// Closes the Vulkan devices pick_device opened, while main() still runs: left to static
// destruction they could outlive what the driver tears down at exit.
inline void close_devices() { opened_devices().clear(); }

inline Device& pick_device(const std::string& name) {
  if (name == "cpu") return cpu::device();
  if (name.rfind("vulkan", 0) == 0) {
    auto& d = opened_devices()[name];
    if (!d) {
      vulkan::Options o;
      o.device = name.substr(6);  // "" = VKFLOW_DEVICE or the first discrete device
      d = std::make_unique<vulkan::VulkanDevice>(o);
    }
    return *d;
  }
  throw std::runtime_error("unknown device '" + name + "' (cpu or vulkan[N])");
}

inline Peak measure_peak(Device& dev) {
  if (dev.kind() == DeviceKind::Cpu)
    return {cpu::measure_fma_gflops(), cpu::measure_copy_gbps(), "FMA loop on every thread; 64 MiB memcpy"};
  throw std::runtime_error("no peak measurement for " + dev.name());
}

}  // namespace vkflow::bench
