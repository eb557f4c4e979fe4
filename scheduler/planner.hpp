#pragma once
// The memory-budget planner: given the execution order and, per node, the ways it can run
// (footprints per device kind, fastest first), choose a device and options for every node so
// that at every step the resident weights of live models plus the running node's working
// memory fit every device's budget, and the estimated time is lowest. Throws PlanInfeasible
// (nothing has run) when no choice fits.
#include <cstdint>
#include <string>
#include <vector>

#include "graph/workflow.hpp"
#include "runtime/models/footprint.hpp"
#include "scheduler/budget.hpp"
#include "scheduler/plan.hpp"
#include "scheduler/plan_infeasible.hpp"

namespace vkflow::scheduler {

struct PlanNode {
  std::string id, type;
  // Every way to run it, on any device kind; within one kind fastest first, most frugal last.
  std::vector<models::Footprint> variants;
  graph::DevicePin pin = graph::DevicePin::Auto;  // workflow "device" or a CLI pin
  std::string pin_source;                         // "workflow" or "--pin" (for messages)
  std::vector<std::string> inputs_from;           // ids of producer nodes
  uint64_t output_bytes = 0;                      // host RAM its outputs hold until consumed
};

struct PlanInput {
  std::vector<PlanNode> nodes;    // in execution order
  uint64_t host_reserved = 0;     // host bytes already held (re-plan: finished nodes' outputs)
};

struct PlannerOptions {
  // Full assignments evaluated before the search keeps the best found so far (the search
  // visits the fastest choices first, so the cut-off only matters for very large graphs).
  size_t max_evaluations = 200000;
};

Plan place(const PlanInput& in, const Machine& m, const PlannerOptions& opt = {});

}  // namespace vkflow::scheduler
