#pragma once
// Turning a workflow literal into the run-time Value its schema type calls for.
#include <nlohmann/json.hpp>

#include "graph/node_schema.hpp"
#include "nodes/value.hpp"

namespace vkflow::scheduler {

// INT -> int64, FLOAT -> double, BOOL -> bool, STRING -> string. Throws Error naming the
// input when the JSON does not fit (validation normally catches this first).
nodes::Value literal_value(const nlohmann::json& j, const graph::InputSpec& spec);

}  // namespace vkflow::scheduler
