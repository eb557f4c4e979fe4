#pragma once
// GPU time per pipeline from timestamp queries, for finding hot kernels on a real GPU.
// Opt-in (VKFLOW_VK_PROFILE=1 prints to stderr at exit, any other value is a file path): while
// on, every dispatch runs behind a full barrier, so each timestamp pair brackets one dispatch
// alone. That serialization makes the total slower than an unprofiled run; the shares hold.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace vkflow::vk {

class GpuProfiler {
 public:
  // Null when VKFLOW_VK_PROFILE is unset or the queue has no timestamps.
  static std::unique_ptr<GpuProfiler> from_env(VkDevice dev, double period_ns, uint32_t valid_bits);
  GpuProfiler(VkDevice dev, double period_ns, std::string out);
  ~GpuProfiler();  // writes the table
  GpuProfiler(const GpuProfiler&) = delete;
  GpuProfiler& operator=(const GpuProfiler&) = delete;

  void begin(VkCommandBuffer cb);                       // after vkBeginCommandBuffer
  void mark(VkCommandBuffer cb, const std::string& what);  // after a dispatch or copy
  void collect(VkCommandBuffer cb);                     // once cb's fence has signalled

 private:
  struct Pool {
    VkQueryPool pool = VK_NULL_HANDLE;
    std::vector<std::string> names;  // names[i] ends at query i+1
  };
  struct Total {
    uint64_t count = 0;
    double ns = 0;
  };
  static constexpr uint32_t kQueries = 4096;
  VkDevice dev_;
  double period_ns_;
  std::string out_;
  std::unordered_map<VkCommandBuffer, Pool> pools_;
  std::map<std::string, Total> totals_;
};

}  // namespace vkflow::vk
