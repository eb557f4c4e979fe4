#pragma once
// --set overrides: "node.input=value" sets a literal input of any workflow (after template
// expansion, so "resize/scale.width" reaches inside a template node); "param=value" sets a
// parameter of a template run directly. The value is JSON when it parses as JSON, else text.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/diagnostic.hpp"
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

struct Override {
  std::string node;   // "" for a template parameter
  std::string input;  // the input or parameter name
  nlohmann::json value;
  std::string text;   // as written, for messages
};

// "a.b=v" -> {node a, input b}; "p=v" -> {parameter p}. The node id is everything before the
// last '.', so ids may contain dots. Bad syntax is a "bad_override_syntax" error.
std::optional<Override> parse_override(const std::string& text, std::vector<Diagnostic>& diags);
// JSON when `v` parses as JSON (5, 1.5, true, "x", [..]); otherwise the text itself.
nlohmann::json parse_override_value(const std::string& v);

// Template parameter values from the parameter overrides (for a template run directly).
std::map<std::string, InputValue> parameter_values(const std::vector<Override>& ovs);

// Applies the node overrides to `wf`. A missing node, or an input that holds a link, is a
// "bad_override_target" error. For ComfyUI imports, ComfyUI input names are accepted too.
void apply_node_overrides(Workflow& wf, const std::vector<Override>& ovs, const SchemaLookup& schemas,
                          std::vector<Diagnostic>& diags);

}  // namespace vkflow::graph
