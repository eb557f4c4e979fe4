#pragma once
// Evaluating one full assignment (a device and footprint per step): when each model loads and
// unloads, the memory in use per device per step, whether it fits, and the estimated time.
// Internal to the planner and the re-planner.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/models/footprint.hpp"
#include "scheduler/budget.hpp"
#include "scheduler/plan.hpp"

namespace vkflow::scheduler::detail {

struct Choice {
  int device = 0;                          // index into Machine::devices
  const models::Footprint* fp = nullptr;
};

// Host bytes held at each step by node outputs still waiting for a consumer (plus `reserved`).
struct StepContext {
  std::vector<uint64_t> host_outputs;      // per step
};

// Bytes `fp` needs on `device` and on the host when run on `device` (the same device for CPU).
struct Need {
  uint64_t dev_weights = 0, dev_peak = 0;  // on the node's device
  uint64_t host_weights = 0, host_peak = 0;  // extra on the host (GPU nodes only)
};
Need need_of(const models::Footprint& fp, int device, const Machine& m);
// Compute time of fp on the device (no model loads).
double compute_seconds(const models::Footprint& fp, const DeviceBudget& d, const DeviceBudget& host);
// Time to bring `bytes` of weights onto the device from disk.
double load_seconds(uint64_t bytes, const DeviceBudget& d, const DeviceBudget& host);

struct Evaluation {
  bool fits = false;
  double seconds = 0;                      // compute + loads
  std::vector<std::vector<uint64_t>> resident;  // [device][step]
  std::vector<std::vector<uint64_t>> peak;      // [device][step]
  std::vector<std::vector<Residency>> loads, unloads;  // per step
  std::vector<double> step_seconds;
  std::vector<std::string> kept;           // "model on dev stays resident from step a to b"
};

// Residency: a model is resident from the step before its first use to its last use on a
// device; between two uses it stays resident when it fits, and is freed and reloaded when not.
Evaluation evaluate(const std::vector<Choice>& choices, const StepContext& ctx, const Machine& m);

}  // namespace vkflow::scheduler::detail
