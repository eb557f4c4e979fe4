#pragma once
// Re-planning after an allocation fails at run time (the estimate was too low, or another
// process took memory). The executor calls this instead of crashing:
//
//   catch (const OutOfMemory& e) {
//     free every model weight it holds (all devices), keep the finished nodes' outputs;
//     auto r = scheduler::replan_after_oom(input, machine, plan, step, e);  // may throw PlanInfeasible
//     report r.message (progress event / stderr), then continue with r.plan from its first step
//     (r.plan.steps holds only the remaining nodes, the failed one first); on another
//     failure call again with r.input and r.plan.
//   }
//
// Each call forces the failed node onto an option that needs strictly less memory on the
// device where it failed, or onto another device; calling again on a second failure (with the
// plan returned by the first call) goes further, so the loop ends in a run or in PlanInfeasible.
#include <cstddef>
#include <string>

#include "runtime/core/error.hpp"
#include "scheduler/budget.hpp"
#include "scheduler/plan.hpp"
#include "scheduler/planner.hpp"

namespace vkflow::scheduler {

struct Replan {
  Plan plan;            // the remaining steps (from the failed node on)
  PlanInput input;      // what `plan` was made from: pass it to the next call on a new failure
  std::string message;  // what happened and what changed, for the user
};

// `in` is the planner input the current plan was made from (or its remaining part, on a
// repeated failure: then `current` is the plan returned by the previous call); `failed` is
// the index in current.steps of the node whose allocation failed. Steps before it finished.
Replan replan_after_oom(const PlanInput& in, const Machine& m, const Plan& current, size_t failed,
                        const OutOfMemory& error);

}  // namespace vkflow::scheduler
