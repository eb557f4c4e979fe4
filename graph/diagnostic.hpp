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

std::string format_human(const Diagnostic& d, const std::string& source);
nlohmann::json to_json(const Diagnostic& d);

}  // namespace vkflow::graph
