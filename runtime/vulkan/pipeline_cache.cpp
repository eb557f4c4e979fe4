#include "runtime/vulkan/pipeline_cache.hpp"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "runtime/core/atomic_write.hpp"
#include "runtime/core/error.hpp"
#include "runtime/vulkan/check.hpp"

namespace vkflow::vk {

namespace fs = std::filesystem;

namespace {
// The header every driver writes (VkPipelineCacheHeaderVersionOne): checked here so a file
// from another driver version is reported as not loaded rather than silently ignored.
bool header_matches(const std::vector<char>& d, const DeviceInfo& i) {
  if (d.size() < 16 + VK_UUID_SIZE) return false;
  uint32_t h[4];
  std::memcpy(h, d.data(), sizeof h);
  return h[0] >= 16 + VK_UUID_SIZE && h[1] == VK_PIPELINE_CACHE_HEADER_VERSION_ONE && h[2] == i.vendor_id &&
         h[3] == i.device_id && std::memcmp(d.data() + 16, i.pipeline_cache_uuid, VK_UUID_SIZE) == 0;
}
}  // namespace

fs::path PipelineCache::default_dir() {
  if (const char* d = std::getenv("VKFLOW_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return fs::path(x) / "vkflow";
  if (const char* h = std::getenv("HOME"); h && *h) return fs::path(h) / ".cache" / "vkflow";
  return fs::temp_directory_path() / "vkflow-cache";
}

PipelineCache::PipelineCache(const Context& ctx) : ctx_(ctx) {
  const DeviceInfo& i = ctx.info();
  path_ = default_dir() / fmt::format("pipeline-cache-{:04x}-{:04x}-{:08x}.bin", i.vendor_id, i.device_id, i.driver_version);
  std::vector<char> data;
  if (std::ifstream f{path_, std::ios::binary}) data.assign(std::istreambuf_iterator<char>(f), {});
  if (!header_matches(data, i)) data.clear();  // another driver's or a damaged file
  VkPipelineCacheCreateInfo ci{VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO};
  ci.initialDataSize = data.size();
  ci.pInitialData = data.empty() ? nullptr : data.data();
  VkPipelineCache c = VK_NULL_HANDLE;
  if (vkCreatePipelineCache(ctx.device(), &ci, nullptr, &c) != VK_SUCCESS) {
    ci.initialDataSize = 0;  // unusable file: start empty, overwrite on save
    ci.pInitialData = nullptr;
    data.clear();
    check(vkCreatePipelineCache(ctx.device(), &ci, nullptr, &c), "vkCreatePipelineCache");
  }
  loaded_bytes_ = data.size();
  VkDevice dev = ctx.device();
  cache_ = Handle<VkPipelineCache>(c, [dev](VkPipelineCache p) { vkDestroyPipelineCache(dev, p, nullptr); });
}

PipelineCache::~PipelineCache() { save(); }

void PipelineCache::save() {
  if (!dirty_) return;
  size_t n = 0;
  if (vkGetPipelineCacheData(ctx_.device(), cache_, &n, nullptr) != VK_SUCCESS || n == 0) return;
  std::vector<char> data(n);
  if (vkGetPipelineCacheData(ctx_.device(), cache_, &n, data.data()) != VK_SUCCESS) return;
  std::error_code ec;
  fs::create_directories(path_.parent_path(), ec);
  try {
    atomic_write(path_, std::string_view(data.data(), n));
  } catch (const Error& e) {
    spdlog::warn("could not save the pipeline cache: {}", e.what());
    return;
  }
  dirty_ = false;
}

}  // namespace vkflow::vk
