#include "runtime/vulkan/device_info.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "runtime/core/error.hpp"
#include "runtime/vulkan/instance.hpp"

namespace vkflow::vk {

namespace {

bool has_ext(const std::vector<VkExtensionProperties>& exts, const char* name) {
  for (auto& e : exts)
    if (std::strcmp(e.extensionName, name) == 0) return true;
  return false;
}

std::string type_name(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
  }
}

std::string driver_version_string(uint32_t vendor, uint32_t v) {
  if (vendor == 0x10de)  // NVIDIA: 10.8.8.6 bits
    return std::to_string(v >> 22) + "." + std::to_string((v >> 14) & 0xff) + "." +
           std::to_string((v >> 6) & 0xff);
  return std::to_string(VK_API_VERSION_MAJOR(v)) + "." + std::to_string(VK_API_VERSION_MINOR(v)) +
         "." + std::to_string(VK_API_VERSION_PATCH(v));
}

void query_coop_matrix(DeviceInfo& d) {
  auto fn = reinterpret_cast<PFN_vkGetPhysicalDeviceCooperativeMatrixPropertiesNV>(vkGetInstanceProcAddr(
      Instance::get()->handle(), "vkGetPhysicalDeviceCooperativeMatrixPropertiesNV"));
  if (!fn) return;
  uint32_t n = 0;
  fn(d.handle, &n, nullptr);
  std::vector<VkCooperativeMatrixPropertiesNV> props(n, {VK_STRUCTURE_TYPE_COOPERATIVE_MATRIX_PROPERTIES_NV});
  fn(d.handle, &n, props.data());
  for (auto& p : props) {
    if (p.AType == VK_COMPONENT_TYPE_FLOAT16_NV && p.BType == VK_COMPONENT_TYPE_FLOAT16_NV &&
        p.CType == VK_COMPONENT_TYPE_FLOAT32_NV && p.DType == VK_COMPONENT_TYPE_FLOAT32_NV &&
        p.scope == VK_SCOPE_SUBGROUP_NV && p.MSize == 16 && p.NSize == 16 && p.KSize == 16) {
      d.coop_matrix_nv = true;
      d.coop_m = p.MSize, d.coop_n = p.NSize, d.coop_k = p.KSize;
    }
  }
}

DeviceInfo describe(VkPhysicalDevice pd, uint32_t index) {
  DeviceInfo d;
  d.index = index;
  d.handle = pd;
  uint32_t n = 0;
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
  std::vector<VkExtensionProperties> exts(n);
  vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, exts.data());
  d.has_memory_budget = has_ext(exts, VK_EXT_MEMORY_BUDGET_EXTENSION_NAME);
  d.has_push_descriptor = has_ext(exts, VK_KHR_PUSH_DESCRIPTOR_EXTENSION_NAME);
  bool has_coop = has_ext(exts, VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
  bool has_driver_props = has_ext(exts, VK_KHR_DRIVER_PROPERTIES_EXTENSION_NAME);

  VkPhysicalDeviceSubgroupProperties sub{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES};
  VkPhysicalDeviceMaintenance3Properties m3{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES};
  VkPhysicalDeviceDriverProperties drv{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES};
  sub.pNext = &m3;
  if (has_driver_props) m3.pNext = &drv;
  VkPhysicalDeviceProperties2 p2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2};
  p2.pNext = &sub;
  vkGetPhysicalDeviceProperties2(pd, &p2);
  const auto& p = p2.properties;
  d.name = p.deviceName;
  d.type = type_name(p.deviceType);
  d.vendor_id = p.vendorID;
  d.device_id = p.deviceID;
  d.driver_version = p.driverVersion;
  d.api_version = p.apiVersion;
  d.driver_version_string = driver_version_string(p.vendorID, p.driverVersion);
  if (has_driver_props) {
    d.driver_name = drv.driverName;
    d.driver_info = drv.driverInfo;
  }
  d.subgroup_size = sub.subgroupSize;
  d.subgroup_arithmetic = (sub.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) &&
                          (sub.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT);
  d.max_allocation = m3.maxMemoryAllocationSize;
  d.max_storage_range = p.limits.maxStorageBufferRange;
  d.storage_offset_align = p.limits.minStorageBufferOffsetAlignment;
  d.max_shared_memory = p.limits.maxComputeSharedMemorySize;
  d.max_workgroup_invocations = p.limits.maxComputeWorkGroupInvocations;
  d.max_push_constants = p.limits.maxPushConstantsSize;
  for (int i = 0; i < 3; ++i) d.max_workgroup_count[i] = p.limits.maxComputeWorkGroupCount[i];
  d.timestamp_period_ns = p.limits.timestampPeriod;
  std::memcpy(d.pipeline_cache_uuid, p.pipelineCacheUUID, VK_UUID_SIZE);

  VkPhysicalDeviceShaderFloat16Int8Features f16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES};
  VkPhysicalDevice16BitStorageFeatures s16{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES};
  VkPhysicalDevice8BitStorageFeatures s8{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_8BIT_STORAGE_FEATURES};
  f16.pNext = &s16;
  s16.pNext = &s8;
  VkPhysicalDeviceFeatures2 f2{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2};
  f2.pNext = &f16;
  vkGetPhysicalDeviceFeatures2(pd, &f2);
  d.fp16_arith = f16.shaderFloat16;
  d.int8_arith = f16.shaderInt8;
  d.storage16 = s16.storageBuffer16BitAccess;
  d.storage8 = s8.storageBuffer8BitAccess;
  if (has_coop && d.fp16_arith && d.storage16) query_coop_matrix(d);

  VkPhysicalDeviceMemoryBudgetPropertiesEXT budget{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_BUDGET_PROPERTIES_EXT};
  VkPhysicalDeviceMemoryProperties2 mp{VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MEMORY_PROPERTIES_2};
  if (d.has_memory_budget) mp.pNext = &budget;
  vkGetPhysicalDeviceMemoryProperties2(pd, &mp);
  const auto& mem = mp.memoryProperties;
  for (uint32_t h = 0; h < mem.memoryHeapCount; ++h) {
    HeapInfo hi;
    hi.size = mem.memoryHeaps[h].size;
    hi.device_local = mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT;
    if (d.has_memory_budget) {
      hi.budget = budget.heapBudget[h];
      hi.usage = budget.heapUsage[h];
    }
    for (uint32_t t = 0; t < mem.memoryTypeCount; ++t)
      if (mem.memoryTypes[t].heapIndex == h &&
          (mem.memoryTypes[t].propertyFlags & VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT))
        hi.host_visible = true;
    d.heaps.push_back(hi);
  }
  return d;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

uint64_t DeviceInfo::device_local_bytes() const {
  uint64_t best = 0;
  for (auto& h : heaps)
    if (h.device_local) best = std::max(best, h.size);
  return best;
}

uint64_t DeviceInfo::device_local_budget() const {
  uint64_t best = 0, budget = 0;
  for (auto& h : heaps)
    if (h.device_local && h.size > best) best = h.size, budget = h.budget;
  return budget;
}

std::vector<DeviceInfo> enumerate_devices() {
  std::vector<DeviceInfo> out;
  Instance* inst = Instance::get();
  if (!inst) return out;
  uint32_t n = 0;
  if (vkEnumeratePhysicalDevices(inst->handle(), &n, nullptr) != VK_SUCCESS) return out;
  std::vector<VkPhysicalDevice> pds(n);
  vkEnumeratePhysicalDevices(inst->handle(), &n, pds.data());
  for (uint32_t i = 0; i < n; ++i) out.push_back(describe(pds[i], i));
  return out;
}

DeviceInfo choose_device(const std::string& spec_in) {
  auto devs = enumerate_devices();
  if (devs.empty()) throw Error("no Vulkan device found (is a Vulkan driver installed?)");
  std::string spec = spec_in;
  if (spec.empty())
    if (const char* e = std::getenv("VKFLOW_DEVICE")) spec = e;
  if (spec.empty()) {
    for (auto& d : devs)
      if (d.type == "discrete") return d;
    return devs.front();
  }
  if (std::all_of(spec.begin(), spec.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
    size_t i = std::stoul(spec);
    if (i >= devs.size())
      throw Error("Vulkan device " + spec + " does not exist (" + std::to_string(devs.size()) +
                  " found; see `vkflow devices`)");
    return devs[i];
  }
  for (auto& d : devs)
    if (lower(d.name).find(lower(spec)) != std::string::npos) return d;
  throw Error("no Vulkan device matches '" + spec + "' (see `vkflow devices`)");
}

}  // namespace vkflow::vk
