#pragma once
// A VkPipelineCache persisted on disk so a second run does not recompile every shader:
// ~/.cache/vkflow/pipeline-cache-<vendor>-<device>-<driver>.bin (VKFLOW_CACHE_DIR, else
// XDG_CACHE_HOME/vkflow, overrides the folder). Written atomically (temp file + rename); a
// stale or corrupt file is ignored (the driver validates the header) and replaced.
#include <vulkan/vulkan.h>

#include <filesystem>

#include "runtime/vulkan/context.hpp"
#include "runtime/vulkan/handle.hpp"

namespace vkflow::vk {

class PipelineCache {
 public:
  explicit PipelineCache(const Context& ctx);
  ~PipelineCache();  // saves when anything new was compiled
  VkPipelineCache handle() const { return cache_; }
  const std::filesystem::path& path() const { return path_; }
  bool loaded_from_disk() const { return loaded_bytes_ > 0; }
  size_t loaded_bytes() const { return loaded_bytes_; }
  void mark_dirty() { dirty_ = true; }
  // Writes the cache file now (no-op when nothing changed). Failures are logged, not thrown:
  // a read-only home must not stop inference.
  void save();

  static std::filesystem::path default_dir();

 private:
  const Context& ctx_;
  std::filesystem::path path_;
  Handle<VkPipelineCache> cache_;
  size_t loaded_bytes_ = 0;
  bool dirty_ = false;
};

}  // namespace vkflow::vk
