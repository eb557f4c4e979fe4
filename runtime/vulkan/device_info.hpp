#pragma once
// What vkflow needs to know about each Vulkan physical device: identity, memory heaps (with
// VK_EXT_memory_budget figures when present), subgroup size, fast-path features and limits.
// Also the choice of device from `--device N|name` / VKFLOW_DEVICE.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <string>
#include <vector>

namespace vkflow::vk {

struct HeapInfo {
  uint64_t size = 0;
  uint64_t budget = 0;  // VK_EXT_memory_budget, 0 when unavailable
  uint64_t usage = 0;   // VK_EXT_memory_budget, 0 when unavailable
  bool device_local = false;
  bool host_visible = false;  // some memory type on this heap is host-visible
};

struct DeviceInfo {
  uint32_t index = 0;
  VkPhysicalDevice handle = VK_NULL_HANDLE;
  std::string name, type, driver_name, driver_info;
  uint32_t vendor_id = 0, device_id = 0, driver_version = 0, api_version = 0;
  std::string driver_version_string;  // decoded per vendor convention
  std::vector<HeapInfo> heaps;
  bool has_memory_budget = false;
  bool has_push_descriptor = false;
  uint32_t subgroup_size = 0;
  bool subgroup_arithmetic = false;
  bool fp16_arith = false;       // shaderFloat16
  bool storage16 = false;        // storageBuffer16BitAccess
  bool int8_arith = false;       // shaderInt8
  bool storage8 = false;         // storageBuffer8BitAccess
  bool coop_matrix_nv = false;   // VK_NV_cooperative_matrix with a usable fp16 16x16x16 (or 16x8x16) shape
  uint32_t coop_m = 0, coop_n = 0, coop_k = 0;  // chosen fp16 -> fp32 shape
  uint64_t max_allocation = 0;       // maxMemoryAllocationSize
  uint64_t max_storage_range = 0;    // maxStorageBufferRange
  uint64_t storage_offset_align = 0; // minStorageBufferOffsetAlignment
  uint32_t max_shared_memory = 0, max_workgroup_invocations = 0, max_push_constants = 0;
  uint32_t max_workgroup_count[3] = {0, 0, 0};
  double timestamp_period_ns = 0;
  uint8_t pipeline_cache_uuid[VK_UUID_SIZE] = {};

  uint64_t device_local_bytes() const;   // largest device-local heap
  uint64_t device_local_budget() const;  // its budget (or 0)
  bool is_amd() const { return vendor_id == 0x1002; }
  bool is_nvidia() const { return vendor_id == 0x10de; }
  bool is_cpu() const { return type == "cpu"; }
};

// Every Vulkan device; empty when there is no loader/driver.
std::vector<DeviceInfo> enumerate_devices();
// Resolves "N" (index), a case-insensitive substring of the name, or "" (VKFLOW_DEVICE, else
// the first discrete GPU, else the first device). Throws Error when nothing matches.
DeviceInfo choose_device(const std::string& spec = "");

}  // namespace vkflow::vk
