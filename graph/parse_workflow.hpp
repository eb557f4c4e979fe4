#pragma once
// Format v1 (workflows/README.md): the "nodes" block of a vkflow document into a Workflow.
// Only the document's shape is checked here; types and links are checked by validate.
#include <string>
#include <vector>

#include "graph/diagnostic.hpp"
#include "graph/json_text.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

// Node type prefix of a template used as a node: "template:<name or path>".
inline constexpr std::string_view kTemplatePrefix = "template:";

// {"from": "<id>", "output": "<name>"} ("output" optional).
bool is_link_object(const nlohmann::json& v);
// {"param": "<name>"}: a template parameter reference (only inside template files).
bool is_param_ref(const nlohmann::json& v);

// True when `doc` looks like a vkflow document (has "vkflow", "nodes" or "template").
bool is_vkflow_document(const nlohmann::json& doc);

// Parses the vkflow document in `doc`. `loc_file` tags every location (a template file's
// path; "" for the workflow itself). Shape problems are appended to `diags`.
Workflow parse_workflow_v1(const ParsedJson& doc, const std::string& loc_file,
                           std::vector<Diagnostic>& diags);

}  // namespace vkflow::graph
