#include "tests/common/devices.hpp"

#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

namespace vkflow::test {
namespace {

// The Vulkan device on both of its paths (fp32 = the RX 580 path, fast = fp16 tiles /
// cooperative matrices) when the device has a fast path; VKFLOW_VK_PATH pins one path.
// No Vulkan driver: no devices (the tests then run on the CPU only).
std::vector<Device*> vulkan_devices() {
  static std::vector<std::unique_ptr<vulkan::VulkanDevice>> devs = [] {
    std::vector<std::unique_ptr<vulkan::VulkanDevice>> v;
    if (!vulkan::available()) return v;
    const char* env = std::getenv("VKFLOW_VK_PATH");
    if (env && *env) {
      v.push_back(std::make_unique<vulkan::VulkanDevice>());
      return v;
    }
    vulkan::Options o;
    o.path = vulkan::Path::Fp32;
    v.push_back(std::make_unique<vulkan::VulkanDevice>(o));
    if (v.back()->fast_available()) {
      o.path = vulkan::Path::Fast;
      v.push_back(std::make_unique<vulkan::VulkanDevice>(o));
    }
    return v;
  }();
  std::vector<Device*> out;
  for (auto& d : devs) out.push_back(d.get());
  return out;
}

// Every device a backend offers, before filtering. Backends add themselves here.
std::vector<Device*> all_devices() {
  std::vector<Device*> d{&cpu::device()};
  for (Device* v : vulkan_devices()) d.push_back(v);
  return d;
}

bool selected(const Device& d) {
  const char* env = std::getenv("VKFLOW_TEST_DEVICES");
  if (!env || !*env) return true;
  std::stringstream ss(env);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty() && d.name().rfind(item, 0) == 0) return true;
  return false;
}

}  // namespace

std::vector<Device*> test_devices() {
  std::vector<Device*> out;
  for (Device* d : all_devices())
    if (selected(*d)) out.push_back(d);
  return out;
}

}  // namespace vkflow::test

namespace vkflow::test {
double tolerance_floor(const Device& dev, const std::string& op) {
  auto* v = dynamic_cast<const vulkan::VulkanDevice*>(&dev);
  if (!v || !v->fast()) return 0.0;
  // The fast path stages GEMM operands in fp16 (10-bit mantissa) with fp32 accumulation;
  // attention on cooperative matrices also rounds Q·scale, K, V and the probabilities to fp16
  // (measured ~4e-4 on the attention cases through VKFLOW_VK_COOP_EMULATE=1).
  static const char* kGemmOps[] = {"linear", "matmul", "conv2d", "conv_transpose2d", "conv1d", "conv_transpose1d", "gru", "attention"};
  for (const char* o : kGemmOps)
    if (op == o) return 4e-3;
  return 0.0;
}
}  // namespace vkflow::test
