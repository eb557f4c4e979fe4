#pragma once
// How much memory the plan may use on each device, and how fast each device is. Comes from a
// named profile (planning for a machine you don't have) or from the live machine (Vulkan
// heaps and VK_EXT_memory_budget, /proc/meminfo), with --vram / --ram overrides.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/device.hpp"
#include "scheduler/profiles.hpp"

namespace vkflow::scheduler {

struct DeviceBudget {
  std::string name;              // "vulkan0", "cpu" (shown in plans and errors)
  std::string description;       // "AMD Radeon RX 580", "host RAM"
  DeviceKind kind = DeviceKind::Cpu;
  int index = 0;                 // Vulkan device index (0 for the CPU)
  uint64_t total = 0;            // heap size / physical RAM
  uint64_t usable = 0;           // what the plan may use (after the reserve)
  uint64_t max_alloc = 0;        // largest single buffer (0 = no limit)
  double flops = 0;              // effective fp32 FLOP/s
  double bandwidth = 0;          // effective memory bytes/s
  double link_bandwidth = 0;     // host<->device bytes/s (GPUs only)
  double disk_bandwidth = 0;     // model-file reads (host only)
  std::string source;            // where `usable` came from ("profile rx580-8gb", "--vram")
};

// The devices a plan may use; the host (CPU + RAM) is always present.
struct Machine {
  std::string name;              // profile name or "this machine"
  std::vector<DeviceBudget> devices;
  int host_index() const;        // index of the CPU entry
  const DeviceBudget& host() const { return devices[host_index()]; }
};

struct BudgetOverrides {
  std::optional<uint64_t> vram;  // usable bytes on every GPU (no reserve subtracted)
  std::optional<uint64_t> ram;   // usable host bytes (no reserve subtracted)
};

// Headroom left to the driver, the display and other processes.
uint64_t gpu_reserve(uint64_t heap_bytes);   // max(256 MiB, 5 %)
uint64_t host_reserve(uint64_t ram_bytes);   // max(1 GiB, 10 %) of physical RAM

Machine machine_from_profile(const Profile& p, const BudgetOverrides& o = {});

// One live Vulkan device as the Vulkan backend reports it.
struct LiveGpu {
  std::string name;
  uint64_t heap_size = 0;                // largest DEVICE_LOCAL heap
  std::optional<uint64_t> heap_budget;   // VK_EXT_memory_budget: heapBudget - heapUsage
  uint64_t max_alloc = 0;                // maxMemoryAllocationSize
  bool integrated = false;               // shares host RAM
};

// Where live budgets come from. The Vulkan backend implements `gpus()` (runtime/vulkan);
// until it is linked, HostOnlySource reports no GPUs.
class LiveDeviceSource {
 public:
  virtual ~LiveDeviceSource() = default;
  virtual std::vector<LiveGpu> gpus() = 0;
  virtual uint64_t host_total() = 0;       // MemTotal
  virtual uint64_t host_available() = 0;   // MemAvailable
};

// Reads /proc/meminfo; no GPUs.
class HostOnlySource : public LiveDeviceSource {
 public:
  std::vector<LiveGpu> gpus() override { return {}; }
  uint64_t host_total() override;
  uint64_t host_available() override;
};

// A field of /proc/meminfo in bytes ("MemAvailable"); throws Error when absent.
uint64_t meminfo_field(const std::string& meminfo_text, const std::string& field);

// Live budgets; rates for live devices come from `rates` (a profile whose GPU/host rates are
// the closest guess; default: a generic desktop) because Vulkan reports no throughput.
Machine machine_from_live(LiveDeviceSource& src, const BudgetOverrides& o = {},
                          const Profile* rates = nullptr);

}  // namespace vkflow::scheduler
