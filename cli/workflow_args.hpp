#pragma once
// Command-line arguments shared by the commands that load a workflow (validate, run, plan):
// the file, --set overrides, --models, --templates, and printing the load's diagnostics.
#include <ostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "graph/load.hpp"

namespace vkflow::cli {

struct WorkflowArgs {
  std::string file;
  std::vector<std::string> sets;           // --set k=v (repeatable)
  std::string models;                      // --models DIR ("" = $VKFLOW_MODELS)
  std::vector<std::string> template_dirs;  // --templates DIR (repeatable)
};

// Adds WORKFLOW (an existing file), --set, --models and --templates to `cmd`.
void add_workflow_args(CLI::App* cmd, WorkflowArgs& a);

// LoadOptions from the arguments: models from --models or $VKFLOW_MODELS; template folders
// from --templates, $VKFLOW_TEMPLATES (':'-separated), then the repository's workflows/templates
// (found next to the vkflow binary or in the current directory).
graph::LoadOptions load_options(const WorkflowArgs& a);

// Loads the workflow named by the arguments against the node registry.
graph::LoadResult load_from_args(const WorkflowArgs& a);

// Errors as "file:line:col: node 'x' input 'y': ..." lines (notes too when verbose), or, with
// `json`, one JSON document {"file", "valid", "errors": [...], "notes": [...]}.
void print_diagnostics(const graph::LoadResult& r, bool json, bool verbose, std::ostream& out);

// The exit code for a failed load: kUsage when a --set was malformed or aimed at nothing,
// kInvalidWorkflow otherwise.
int load_failure_exit_code(const graph::LoadResult& r);

}  // namespace vkflow::cli
