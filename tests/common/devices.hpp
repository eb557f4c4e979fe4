#pragma once
// The devices every op/parity test runs on: the CPU device, then each backend's devices
// (the Vulkan backend appends its devices in devices.cpp). VKFLOW_TEST_DEVICES=cpu,vulkan0
// (comma-separated names or name prefixes) restricts the list.
#include <vector>

#include "runtime/core/device.hpp"

namespace vkflow::test {

std::vector<Device*> test_devices();

}  // namespace vkflow::test
