#pragma once
// Turns VkResult failures into vkflow errors: out-of-memory results become OutOfMemory (the
// scheduler re-plans on it), everything else a plain Error naming the call.
#include <vulkan/vulkan.h>

#include <string>

namespace vkflow::vk {

const char* result_name(VkResult r);
// Throws for any result < 0. `what` names the Vulkan call; `device`/`bytes` feed OutOfMemory.
void check(VkResult r, const char* what, const std::string& device = "vulkan", uint64_t bytes = 0,
           uint64_t in_use = 0);

}  // namespace vkflow::vk

#define VKF_CHECK(call) ::vkflow::vk::check((call), #call)
