#pragma once
// From a validated workflow and its execution order to the planner's input: calls each node's
// estimate hook once per device kind its schema allows, feeding it the literal inputs (schema
// defaults filled in) and its producers' output metadata, and applies device pins.
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "graph/workflow.hpp"
#include "nodes/node.hpp"
#include "scheduler/planner.hpp"

namespace vkflow::scheduler {

using NodeLookup = std::function<const nodes::NodeDef*(std::string_view type)>;

struct BuildOptions {
  std::filesystem::path models_dir;
  std::map<std::string, graph::DevicePin> pins;  // --pin ID=cpu|vulkan (beat the workflow's)
  std::optional<graph::DevicePin> pin_all;       // --device cpu|vulkan for every node
  int activation_bytes = 4;
};

// "cpu" / "vulkan" (also "gpu") as a pin; throws Error naming `what` otherwise.
graph::DevicePin parse_pin(std::string_view s, std::string_view what);

// `order`: node ids, producers first (graph::topological_order). Throws Error naming the node
// when a type is unknown or an estimate hook fails.
PlanInput build_plan_input(const graph::Workflow& wf, const std::vector<std::string>& order,
                           const NodeLookup& lookup, const BuildOptions& opt = {});

}  // namespace vkflow::scheduler
