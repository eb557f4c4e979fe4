#pragma once
// The plan used until (and wherever) the memory-budget planner does not make one: every
// node on the CPU, in topological order. It is the seam the planner replaces: the CLI asks
// for a Plan here and hands it to the executor, which knows nothing of how it was made.
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"
#include "scheduler/plan.hpp"

namespace vkflow::scheduler {

// Throws Error when a node is pinned to Vulkan (that placement needs the planner).
Plan cpu_plan(const graph::Workflow& wf);

}  // namespace vkflow::scheduler
