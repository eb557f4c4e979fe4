#pragma once
// Machine-readable descriptions generated from the node schemas: a JSON Schema (draft
// 2020-12) for workflow format v1 (`vkflow schema`) and a listing of node types (`vkflow nodes`).
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/node_schema.hpp"

namespace vkflow::graph {

// JSON Schema for a v1 workflow whose nodes are of the given types (one $defs entry per type,
// with its input properties: literal bounds and choices, or links for port types).
nlohmann::json workflow_json_schema(const std::vector<const NodeSchema*>& node_types);

// One node type as JSON: type, category, description, devices, output_node, comfy class
// types, inputs (type, required, default, min, max, choices, comfy_name, model_folder) and outputs.
nlohmann::json node_schema_json(const NodeSchema& s);

}  // namespace vkflow::graph
