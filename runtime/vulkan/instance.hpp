#pragma once
// The process-wide VkInstance. Validation layers are off by default; VKFLOW_VK_VALIDATION=1
// turns them on when the Khronos layer is installed (a warning otherwise, never an error).
#include <vulkan/vulkan.h>

#include "runtime/vulkan/handle.hpp"

namespace vkflow::vk {

class Instance {
 public:
  // Null when no Vulkan loader/driver is usable; callers then report "no Vulkan device".
  static Instance* get();
  VkInstance handle() const { return instance_; }
  uint32_t api_version() const { return api_version_; }
  bool validation() const { return validation_; }

 private:
  Instance() = default;
  Handle<VkInstance> instance_;
  uint32_t api_version_ = VK_API_VERSION_1_1;
  bool validation_ = false;
};

}  // namespace vkflow::vk
