#pragma once
// Templates: a workflow file with a top-level "template" block declaring typed parameters and
// exposed outputs over its nodes, whose inputs may read {"param": "<name>"}. A workflow uses
// one as a node ("type": "template:<name>" or "template": "<file>.json"); expansion copies its
// nodes in as "<outer id>/<inner id>", binds the parameters and reroutes links to its outputs.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/diagnostic.hpp"
#include "graph/json_text.hpp"
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

struct TemplateInfo {
  std::string name, description;
  std::vector<InputSpec> parameters;     // required = no default
  std::map<std::string, Link> outputs;   // exposed name -> inner node output
  std::filesystem::path file;
  const InputSpec* parameter(std::string_view n) const;
};

// The "template" block of `doc` (nullopt when there is none; shape errors, and outputs naming
// nodes that `wf` (the same document, parsed) lacks, go to `diags`).
std::optional<TemplateInfo> parse_template_block(const ParsedJson& doc, const std::string& loc_file,
                                                 const Workflow& wf, std::vector<Diagnostic>& diags);

// Replaces the {"param": p} inputs of `nodes` by `values[p]`, else p's default, else drops
// the input (optional parameter) or reports it (required). `owner` is the template node's id
// ("" when the template runs directly), at `owner_loc`. Values given are checked against the parameter specs.
void bind_parameters(std::map<std::string, NodeDoc>& nodes, const TemplateInfo& t,
                     const std::map<std::string, InputValue>& values, const std::string& owner,
                     const SourceLoc& owner_loc, const std::map<std::string, SourceLoc>& value_locs, std::vector<Diagnostic>& diags);

struct TemplateContext {
  std::vector<std::filesystem::path> search_dirs;  // for "template:<name>" (<dir>/<name>.json)
  std::filesystem::path base_dir;                  // directory of the file being expanded
  std::vector<std::string> chain;                  // template files being expanded (recursion)
  // A device pin on a template node applies to the inner nodes (without a pin of their own)
  // whose schema says they can run there; without schemas it applies to none.
  SchemaLookup schemas;
};

// Where "template:<ref>" points: a path (ends in .json or has a '/') relative to base_dir,
// else <dir>/<ref>.json in base_dir then each search dir. nullopt when found nowhere.
std::optional<std::filesystem::path> find_template(const std::string& ref, const TemplateContext& ctx);

// Expands every template node of `wf`, nested ones included. Links in `also_reroute` (the
// exposed outputs of the template `wf` belongs to) that point at a template node are
// rerouted like the workflow's own.
void expand_templates(Workflow& wf, const TemplateContext& ctx, std::vector<Diagnostic>& diags,
                      std::map<std::string, Link>* also_reroute = nullptr);

}  // namespace vkflow::graph
