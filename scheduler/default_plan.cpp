#include "scheduler/default_plan.hpp"

#include "graph/dag.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::scheduler {

Plan cpu_plan(const graph::Workflow& wf) {
  Plan plan;
  for (const auto& id : graph::topological_order(wf)) {
    const auto& node = wf.nodes.at(id);
    if (node.device == graph::DevicePin::Vulkan)
      throw Error("node '" + id + "' (" + node.type + ") is pinned to vulkan, which the CPU-only plan cannot honour");
    Placement p;
    p.node = id;
    p.device = DeviceKind::Cpu;
    p.why = "default plan: everything on the CPU";
    plan.steps.push_back(std::move(p));
  }
  return plan;
}

}  // namespace vkflow::scheduler
