#pragma once
// ComfyUI "API format" import: {"3": {"class_type": "KSampler", "inputs": {"model": ["4", 0],
// "seed": 5}, "_meta": {"title": "..."}}}. Class and input names map to vkflow's through the
// node schemas (NodeSchema::comfy_class_types, InputSpec::comfy_name); [id, index] links map
// to the producer's output name by index.
#include <string>
#include <vector>

#include "graph/diagnostic.hpp"
#include "graph/json_text.hpp"
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

// True when every top-level member is an object with a "class_type".
bool is_comfy_api_format(const nlohmann::json& doc);
// True for ComfyUI's UI (editor) format, which cannot be run: it must be exported as API format.
bool is_comfy_ui_format(const nlohmann::json& doc);

Workflow import_comfy_api(const ParsedJson& doc, const SchemaLookup& schemas,
                          std::vector<Diagnostic>& diags);

// The vkflow input of `s` that ComfyUI calls `comfy_name` (nullptr when none).
const InputSpec* input_by_comfy_name(const NodeSchema& s, std::string_view comfy_name);

}  // namespace vkflow::graph
