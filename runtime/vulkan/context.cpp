#include "runtime/vulkan/context.hpp"

#include <vector>

#include "runtime/core/error.hpp"
#include "runtime/vulkan/check.hpp"

namespace vkflow::vk {

Context::Context(DeviceInfo info) : info_(std::move(info)) {
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(info_.handle, &n, nullptr);
  std::vector<VkQueueFamilyProperties> fams(n);
  vkGetPhysicalDeviceQueueFamilyProperties(info_.handle, &n, fams.data());
  // Prefer a compute queue that is not also graphics (async compute), else any compute queue.
  int best = -1;
  for (uint32_t i = 0; i < n; ++i) {
    if (!(fams[i].queueFlags & VK_QUEUE_COMPUTE_BIT)) continue;
    if (best < 0 || !(fams[i].queueFlags & VK_QUEUE_GRAPHICS_BIT)) best = static_cast<int>(i);
  }
  if (best < 0) throw Error("Vulkan device " + info_.name + " has no compute queue");
  family_ = static_cast<uint32_t>(best);
  float prio = 1.0f;
  VkDeviceQueueCreateInfo qci{VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO};
  qci.queueFamilyIndex = family_;
  qci.queueCount = 1;
  qci.pQueuePriorities = &prio;

  std::vector<const char*> exts;
  if (info_.has_memory_budget) exts.push_back(VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
  if (info_.has_push_descriptor) exts.push_back(VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
  if (info_.coop_matrix_nv) exts.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);

  VkPhysicalDeviceShaderFloat16Int8Features f16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  f16.shaderFloat16 = info_.fp16_arith;
  f16.shaderInt8 = info_.int8_arith;
  VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  s16.storageBuffer16BitAccess = info_.storage16;
  VkPhysicalDevice8BitStorageFeatures s8{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
  s8.storageBuffer8BitAccess = info_.storage8;
  VkPhysicalDeviceCooperativeMatrixFeaturesNV coop{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_COOPERATIVE_MATRIX_FEATURES_NV};
  coop.cooperativeMatrix = VK_TRUE;
  f16.pNext = &s16;
  s16.pNext = &s8;
  if (info_.coop_matrix_nv) s8.pNext = &coop;
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  f2.pNext = &f16;
  VkPhysicalDeviceFeatures supported{};
  vkGetPhysicalDeviceFeatures(info_.handle, &supported);
  f2.features.shaderInt64 = supported.shaderInt64;

  VkDeviceCreateInfo ci{VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO};
  ci.pNext = &f2;
  ci.queueCreateInfoCount = 1;
  ci.pQueueCreateInfos = &qci;
  ci.enabledExtensionCount = static_cast<uint32_t>(exts.size());
  ci.ppEnabledExtensionNames = exts.data();
  VkDevice dev = VK_NULL_HANDLE;
  check(vkCreateDevice(info_.handle, &ci, nullptr, &dev), "vkCreateDevice");
  device_ = Handle<VkDevice>(dev, [](VkDevice d) {
    vkDeviceWaitIdle(d);
    vkDestroyDevice(d, nullptr);
  });
  vkGetDeviceQueue(dev, family_, 0, &queue_);
  if (info_.has_push_descriptor)
    push_descriptor_ = reinterpret_cast<PFN_vkCmdPushDescriptorSetKHR>(
        vkGetDeviceProcAddr(dev, "vkCmdPushDescriptorSetKHR"));
}

uint64_t Context::query_budget() const {
  if (!info_.has_memory_budget) return 0;
  VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
  VkPhysicalDeviceMemoryProperties2 mp{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2};
  mp.pNext = &budget;
  vkGetPhysicalDeviceMemoryProperties2(info_.handle, &mp);
  uint64_t best = 0, b = 0;
  for (uint32_t h = 0; h < mp.memoryProperties.memoryHeapCount; ++h)
    if ((mp.memoryProperties.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT) &&
        mp.memoryProperties.memoryHeaps[h].size > best)
      best = mp.memoryProperties.memoryHeaps[h].size, b = budget.heapBudget[h];
  return b;
}

}  // namespace vkflow::vk
