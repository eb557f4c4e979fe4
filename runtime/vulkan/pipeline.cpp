#include "runtime/vulkan/pipeline.hpp"

#include "runtime/core/error.hpp"
#include "runtime/vulkan/check.hpp"
#include "shaders/embedded.hpp"

namespace vkflow::vk {

const Pipeline& PipelineSet::get(const std::string& name, uint32_t bindings, uint32_t push_size,
                                 const std::vector<uint32_t>& spec) {
  std::string key = name + "/" + std::to_string(bindings) + "/" + std::to_string(push_size);
  for (uint32_t s : spec) key += "," + std::to_string(s);
  std::lock_guard lock(mu_);
  if (auto it = pipelines_.find(key); it != pipelines_.end()) return *it->second;

  const shaders::Blob* blob = shaders::find(name);
  if (!blob) throw Error("Vulkan: no embedded shader named '" + name + "'");
  VkDevice dev = ctx_.device();
  auto p = std::make_unique<Pipeline>();
  p->name = name;
  p->bindings = bindings;
  p->push_size = push_size;

  std::vector<VkDescriptorSetLayoutBinding> b(bindings);
  for (uint32_t i = 0; i < bindings; ++i)
    b[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  VkDescriptorSetLayoutCreateInfo dl{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO};
  if (ctx_.push_descriptor_fn()) dl.flags = VK_DESCRIPTOR_SET_LAYOUT_CREATE_PUSH_DESCRIPTOR_BIT_KHR;
  dl.bindingCount = bindings;
  dl.pBindings = b.data();
  VkDescriptorSetLayout sl;
  check(vkCreateDescriptorSetLayout(dev, &dl, nullptr, &sl), "vkCreateDescriptorSetLayout");
  p->set_layout = Handle<VkDescriptorSetLayout>(sl, [dev](VkDescriptorSetLayout h) { vkDestroyDescriptorSetLayout(dev, h, nullptr); });

  VkPushConstantRange pc{VK_SHADER_STAGE_COMPUTE_BIT, 0, push_size};
  VkPipelineLayoutCreateInfo pl{VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO};
  pl.setLayoutCount = 1;
  pl.pSetLayouts = &sl;
  pl.pushConstantRangeCount = push_size ? 1 : 0;
  pl.pPushConstantRanges = &pc;
  VkPipelineLayout layout;
  check(vkCreatePipelineLayout(dev, &pl, nullptr, &layout), "vkCreatePipelineLayout");
  p->layout = Handle<VkPipelineLayout>(layout, [dev](VkPipelineLayout h) { vkDestroyPipelineLayout(dev, h, nullptr); });

  VkShaderModuleCreateInfo mi{VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO};
  mi.codeSize = blob->size_bytes;
  mi.pCode = blob->words;
  VkShaderModule mod;
  check(vkCreateShaderModule(dev, &mi, nullptr, &mod), "vkCreateShaderModule");
  Handle<VkShaderModule> module(mod, [dev](VkShaderModule h) { vkDestroyShaderModule(dev, h, nullptr); });

  std::vector<VkSpecializationMapEntry> entries(spec.size());
  for (uint32_t i = 0; i < spec.size(); ++i) entries[i] = {i, i * 4u, 4};
  VkSpecializationInfo si{static_cast<uint32_t>(spec.size()), entries.data(), spec.size() * 4, spec.data()};
  VkComputePipelineCreateInfo ci{VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO};
  ci.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO};
  ci.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
  ci.stage.module = mod;
  ci.stage.pName = "main";
  ci.stage.pSpecializationInfo = spec.empty() ? nullptr : &si;
  ci.layout = layout;
  VkPipeline pipe;
  check(vkCreateComputePipelines(dev, cache_.handle(), 1, &ci, nullptr, &pipe),
        ("vkCreateComputePipelines(" + name + ")").c_str());
  p->pipeline = Handle<VkPipeline>(pipe, [dev](VkPipeline h) { vkDestroyPipeline(dev, h, nullptr); });
  cache_.mark_dirty();
  auto& ref = *p;
  pipelines_.emplace(key, std::move(p));
  return ref;
}

}  // namespace vkflow::vk
