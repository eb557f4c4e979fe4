#pragma once
// The live machine's devices for budgets: Vulkan devices (heaps, VK_EXT_memory_budget) when
// the Vulkan backend is built in, plus host RAM from /proc/meminfo.
#include <memory>

#include "scheduler/budget.hpp"

namespace vkflow::scheduler {

std::unique_ptr<LiveDeviceSource> live_device_source();

}  // namespace vkflow::scheduler
