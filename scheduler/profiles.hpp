#pragma once
// Named machines a user can plan for without owning them (`vkflow plan --profile rx580-8gb`).
// Rates are *effective* (what dense kernels reach, roughly half of the datasheet peak) because
// they feed the planner's time model; memory sizes are the datasheet's.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vkflow::scheduler {

struct GpuSpec {
  std::string name;
  uint64_t vram = 0;             // device-local heap
  uint64_t max_alloc = 0;        // maxMemoryAllocationSize: the largest single buffer
  double flops = 0;              // fp32 FLOP/s (activations are fp32 on every profile)
  double bandwidth = 0;          // device memory bytes/s
  double link_bandwidth = 0;     // host<->device bytes/s (PCIe)
  bool fast_fp16 = false;        // informational: vkflow keeps fp32 activations
};

struct HostSpec {
  std::string name;
  uint64_t ram = 0;              // physical RAM
  double flops = 0;              // all cores, fp32 FLOP/s
  double bandwidth = 0;          // RAM bytes/s
  double disk_bandwidth = 0;     // model-file read bytes/s (NVMe, page cache)
};

struct Profile {
  std::string name;
  std::string description;
  std::vector<GpuSpec> gpus;     // empty for cpu-only
  HostSpec host;
};

const std::vector<Profile>& profiles();
// nullptr when unknown.
const Profile* find_profile(std::string_view name);
// "rx580-8gb, cpu-only, ..." for error messages and --help.
std::string profile_names();

}  // namespace vkflow::scheduler
