#pragma once
// Compute pipelines built from the embedded SPIR-V (shaders/embedded.hpp). Each pipeline has
// one descriptor set of N storage buffers (pushed with VK_KHR_push_descriptor when present,
// else allocated from a per-submission pool) and a push-constant block for the op's params.
// Specialization constants: id 0 = workgroup size x, the rest are shader-specific (tile
// sizes, subgroup size, flags), so one source serves GCN's wave64, NVIDIA's 32 and llvmpipe.
#include <vulkan/vulkan.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/vulkan/context.hpp"
#include "runtime/vulkan/handle.hpp"
#include "runtime/vulkan/pipeline_cache.hpp"

namespace vkflow::vk {

struct Pipeline {
  std::string name;
  uint32_t bindings = 0;
  uint32_t push_size = 0;
  Handle<VkDescriptorSetLayout> set_layout;
  Handle<VkPipelineLayout> layout;
  Handle<VkPipeline> pipeline;
};

class PipelineSet {
 public:
  PipelineSet(const Context& ctx, PipelineCache& cache) : ctx_(ctx), cache_(cache) {}
  // Returns the pipeline for shader `name` with `bindings` storage buffers, a push-constant
  // block of `push_size` bytes and the given specialization constants (ids 0, 1, ...).
  // Throws Error when no shader of that name is embedded.
  const Pipeline& get(const std::string& name, uint32_t bindings, uint32_t push_size,
                      const std::vector<uint32_t>& spec);
  size_t size() const { return pipelines_.size(); }

 private:
  const Context& ctx_;
  PipelineCache& cache_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Pipeline>> pipelines_;
};

}  // namespace vkflow::vk
