#pragma once
// Validation of an expanded workflow against the node schemas, before anything runs: every
// problem is collected (unknown types and inputs, missing inputs, bad links, type mismatches,
// literals of the wrong JSON type, out of range or not among the choices, cycles, no output
// node). Omitted optional inputs get their defaults.
#include <optional>
#include <string>
#include <vector>

#include "graph/diagnostic.hpp"
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

struct LiteralProblem {
  std::string code;     // wrong_json_type, out_of_range, not_in_choices, literal_for_link_type
  std::string message;  // "expected INT in [1, 10000], got 0"
};

// Checks one literal against its input's type, bounds and choices.
std::optional<LiteralProblem> check_literal(const InputSpec& spec, const nlohmann::json& v);
// What an input accepts, as messages say it: "INT in [1, 10000]", "STRING, one of "a", "b"".
std::string describe_spec(const InputSpec& spec);

// Validates `wf` in place (fills defaults, resolves omitted link outputs); appends problems.
void validate_workflow(Workflow& wf, const SchemaLookup& schemas, std::vector<Diagnostic>& diags);

}  // namespace vkflow::graph
