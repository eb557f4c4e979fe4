#pragma once
// Device choice and measured peaks for the benchmarks. The CPU is built in; the Vulkan
// backend adds "vulkan[N]" here, with its own FMA-throughput and copy shaders as peaks.
#include <stdexcept>
#include <string>

#include "runtime/core/device.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/peak.hpp"

namespace vkflow::bench {

struct Peak {
  double gflops = 0;  // fp32 FMA throughput
  double gbps = 0;    // copy bandwidth (read + write)
  std::string how;
};

inline Device& pick_device(const std::string& name) {
  if (name == "cpu") return cpu::device();
  throw std::runtime_error("unknown device '" + name + "' (this build knows: cpu)");
}

inline Peak measure_peak(Device& dev) {
  if (dev.kind() == DeviceKind::Cpu)
    return {cpu::measure_fma_gflops(), cpu::measure_copy_gbps(), "FMA loop on every thread; 64 MiB memcpy"};
  throw std::runtime_error("no peak measurement for " + dev.name());
}

}  // namespace vkflow::bench
