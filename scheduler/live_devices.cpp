#include "scheduler/live_devices.hpp"

namespace vkflow::scheduler {

// Until the Vulkan backend's device enumeration is merged, the live source reports host RAM
// only (plans then use the CPU); --profile plans for a GPU machine meanwhile.
std::unique_ptr<LiveDeviceSource> live_device_source() { return std::make_unique<HostOnlySource>(); }

}  // namespace vkflow::scheduler
