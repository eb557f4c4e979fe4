#pragma once
// The devices a run executes on, by the plan's names: "cpu" is the process-wide CPU device,
// "vulkanN" the Nth Vulkan device (the same order as the planner's live budgets), opened on
// first use, with its allocator capped at the budget the plan was made for (cap()), so a run
// cannot use more device memory than `--vram` allowed: beyond it allocations fail with
// OutOfMemory and the executor re-plans. Tests may put their own device under a name.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/core/device.hpp"
#include "scheduler/budget.hpp"
#include "scheduler/plan.hpp"

namespace vkflow::scheduler {

// The plan's name for a placement's device ("cpu", "vulkan0"), also when device_name is empty.
std::string plan_device_name(const Placement& p);

class RunDevices {
 public:
  RunDevices();
  ~RunDevices();
  // The device for a placement; throws Unsupported when the plan names a Vulkan device this
  // machine does not have (a plan made for a --profile).
  Device& operator()(const Placement& p);
  Device& named(const std::string& name);
  // Uses `dev` (not owned) for `name` from now on.
  void put(const std::string& name, Device& dev);
  // Vulkan device `name`, when opened later, refuses allocations beyond `bytes` in total.
  void cap(const std::string& name, uint64_t bytes) { caps_[name] = bytes; }
  // Caps every Vulkan device of the machine at its planned usable bytes.
  void cap_to(const Machine& m);

 private:
  std::map<std::string, Device*> devices_;
  std::map<std::string, uint64_t> caps_;
  std::vector<std::unique_ptr<Device>> owned_;
};

}  // namespace vkflow::scheduler
