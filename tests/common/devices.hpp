#pragma once
// The devices every op/parity test runs on: the CPU device, then each backend's devices
// (the Vulkan backend appends its devices in devices.cpp). VKFLOW_TEST_DEVICES=cpu,vulkan0
// (comma-separated names or name prefixes) restricts the list.
#include <string>
#include <vector>

#include "runtime/core/device.hpp"

namespace vkflow::test {

std::vector<Device*> test_devices();
// The smallest tolerance (relative to max |reference|) a device's path can meet for an op:
// 0 except on reduced-precision paths (Vulkan fast path GEMMs).
double tolerance_floor(const Device& dev, const std::string& op);

}  // namespace vkflow::test
