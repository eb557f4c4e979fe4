#pragma once
// A logical VkDevice on one physical device with one compute queue and the features vkflow
// uses enabled (16-bit storage, fp16 arithmetic, 8-bit storage, NV cooperative matrix, push
// descriptors) when the device has them.
#include <vulkan/vulkan.h>

#include "runtime/vulkan/device_info.hpp"
#include "runtime/vulkan/handle.hpp"

namespace vkflow::vk {

class Context {
 public:
  explicit Context(DeviceInfo info);
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const DeviceInfo& info() const { return info_; }
  VkDevice device() const { return device_; }
  VkPhysicalDevice physical() const { return info_.handle; }
  VkQueue queue() const { return queue_; }
  uint32_t queue_family() const { return family_; }
  PFN_vkCmdPushDescriptorSetKHR push_descriptor_fn() const { return push_descriptor_; }
  // Current device-local budget from VK_EXT_memory_budget (0 when the extension is absent).
  uint64_t query_budget() const;

 private:
  DeviceInfo info_;
  Handle<VkDevice> device_;
  VkQueue queue_ = VK_NULL_HANDLE;
  uint32_t family_ = 0;
  PFN_vkCmdPushDescriptorSetKHR push_descriptor_ = nullptr;
};

}  // namespace vkflow::vk
