#include "runtime/vulkan/gpu_profiler.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "runtime/vulkan/check.hpp"

namespace vkflow::vk {

std::unique_ptr<GpuProfiler> GpuProfiler::from_env(VkDevice dev, double period_ns, uint32_t valid_bits) {
  const char* v = std::getenv("VKFLOW_VK_PROFILE");
  if (!v || !*v || std::string(v) == "0" || valid_bits == 0 || period_ns <= 0) return nullptr;
  return std::make_unique<GpuProfiler>(dev, period_ns, std::string(v) == "1" ? "" : v);
}

GpuProfiler::GpuProfiler(VkDevice dev, double period_ns, std::string out)
    : dev_(dev), period_ns_(period_ns), out_(std::move(out)) {}

void GpuProfiler::begin(VkCommandBuffer cb) {
  Pool& p = pools_[cb];
  if (!p.pool) {
    VkQueryPoolCreateInfo qi{VK_STRUCTURE_TYPE_QUERY_POOL_CREATE_INFO};
    qi.queryType = VK_QUERY_TYPE_TIMESTAMP;
    qi.queryCount = kQueries;
    check(vkCreateQueryPool(dev_, &qi, nullptr, &p.pool), "vkCreateQueryPool");
  }
  p.names.clear();
  vkCmdResetQueryPool(cb, p.pool, 0, kQueries);
  vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, p.pool, 0);
}

void GpuProfiler::mark(VkCommandBuffer cb, const std::string& what) {
  auto it = pools_.find(cb);
  if (it == pools_.end() || it->second.names.size() + 1 >= kQueries) return;
  Pool& p = it->second;
  p.names.push_back(what);
  vkCmdWriteTimestamp(cb, VK_PIPELINE_STAGE_BOTTOM_OF_PIPE_BIT, p.pool, static_cast<uint32_t>(p.names.size()));
}

void GpuProfiler::collect(VkCommandBuffer cb) {
  auto it = pools_.find(cb);
  if (it == pools_.end() || it->second.names.empty()) return;
  Pool& p = it->second;
  std::vector<uint64_t> ts(p.names.size() + 1);
  VkResult r = vkGetQueryPoolResults(dev_, p.pool, 0, static_cast<uint32_t>(ts.size()), ts.size() * 8, ts.data(), 8,
                                     VK_QUERY_RESULT_64_BIT);
  if (r == VK_SUCCESS)
    for (size_t i = 0; i < p.names.size(); ++i) {
      Total& t = totals_[p.names[i]];
      ++t.count;
      t.ns += static_cast<double>(ts[i + 1] - ts[i]) * period_ns_;
    }
  p.names.clear();
}

GpuProfiler::~GpuProfiler() {
  std::vector<std::pair<std::string, Total>> rows(totals_.begin(), totals_.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.ns > b.second.ns; });
  double all = 0;
  for (const auto& r : rows) all += r.second.ns;
  FILE* f = out_.empty() ? stderr : std::fopen(out_.c_str(), "w");
  if (f) {
    std::fprintf(f, "# GPU time per pipeline (VKFLOW_VK_PROFILE; dispatches serialized): total %.3f ms\n", all / 1e6);
    std::fprintf(f, "%-48s %10s %12s %10s %7s\n", "pipeline", "count", "total_ms", "avg_us", "share");
    for (const auto& [name, t] : rows)
      std::fprintf(f, "%-48s %10llu %12.3f %10.2f %6.1f%%\n", name.c_str(), static_cast<unsigned long long>(t.count),
                   t.ns / 1e6, t.ns / 1e3 / static_cast<double>(t.count), all > 0 ? 100.0 * t.ns / all : 0.0);
    if (f != stderr) std::fclose(f);
  }
  for (auto& [cb, p] : pools_)
    if (p.pool) vkDestroyQueryPool(dev_, p.pool, nullptr);
}

}  // namespace vkflow::vk
