#pragma once
// One problem found in a workflow: which node and input, what was expected and what was
// received. Validation collects all of them before anything runs.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/workflow.hpp"

namespace vkflow::graph {

struct Diagnostic {
  std::string code;     // stable machine name, e.g. "unknown_node_type", "type_mismatch", "cycle"
  std::string node;     // node id ("" for document-level problems)
  std::string input;    // input name ("" when not about one input)
  std::string message;  // human sentence: what was expected vs received
  SourceLoc loc;        // where in the file, when known
};

// "file:line:col: node 'x' input 'y': expected INT in [1, 10000], got 0". `source` names the
// workflow file; d.loc.file (a template file) wins when set.
std::string format_human(const Diagnostic& d, const std::string& source);
// {"code", "node", "input", "message", "file", "line", "column"} (empty/zero fields left out).
nlohmann::json to_json(const Diagnostic& d);

// A JSON value as messages show it: 0, "text", true, an object, a list (long text shortened).
std::string describe_value(const nlohmann::json& v);
// "a string", "an integer", "a number", "a boolean", "an object", "a list", "null".
std::string json_kind(const nlohmann::json& v);

}  // namespace vkflow::graph
