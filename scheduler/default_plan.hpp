#pragma once
// A plan without the memory-budget planner: every node on the CPU, in topological order, no
// estimates (tests that exercise the executor alone use it; `vkflow run` uses the planner).
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"
#include "scheduler/plan.hpp"

namespace vkflow::scheduler {

// Throws Error when a node is pinned to Vulkan (that placement needs the planner).
Plan cpu_plan(const graph::Workflow& wf);

}  // namespace vkflow::scheduler
