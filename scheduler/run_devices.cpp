#include "scheduler/run_devices.hpp"

#include "runtime/core/error.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

namespace vkflow::scheduler {

std::string plan_device_name(const Placement& p) {
  if (!p.device_name.empty()) return p.device_name;
  return p.device == DeviceKind::Cpu ? "cpu" : "vulkan" + std::to_string(p.device_index);
}

RunDevices::RunDevices() = default;
RunDevices::~RunDevices() = default;

Device& RunDevices::operator()(const Placement& p) { return named(plan_device_name(p)); }

Device& RunDevices::named(const std::string& name) {
  if (auto it = devices_.find(name); it != devices_.end()) return *it->second;
  if (name == "cpu") return *(devices_[name] = &cpu::device());
  if (name.rfind("vulkan", 0) != 0 || name.size() == 6)
    throw Error("the plan names device '" + name + "', which is neither cpu nor vulkanN");
  const std::string index = name.substr(6);
  if (!vulkan::available())
    throw Unsupported("the plan places nodes on " + name + ", but this machine has no Vulkan device "
                      "(a plan for a --profile runs only where its devices exist; try --device cpu)");
  vulkan::Options o;
  o.device = index;
  if (auto c = caps_.find(name); c != caps_.end()) o.budget = c->second;
  try {
    owned_.push_back(std::make_unique<vulkan::VulkanDevice>(o));
  } catch (const Error& e) {
    throw Unsupported("the plan places nodes on " + name + ", which cannot be opened: " + e.what());
  }
  return *(devices_[name] = owned_.back().get());
}

void RunDevices::put(const std::string& name, Device& dev) { devices_[name] = &dev; }

void RunDevices::cap_to(const Machine& m) {
  for (const auto& d : m.devices)
    if (d.kind == DeviceKind::Vulkan && d.usable) cap(d.name, d.usable);
}

}  // namespace vkflow::scheduler
