#pragma once
// Turning a file into a validated Workflow: parse (vkflow v1 or ComfyUI API format), expand
// templates, apply --set overrides, resolve model names, validate, prune. All problems are
// collected; `ok()` is false when any error was found.
#include <filesystem>
#include <string>
#include <vector>

#include "graph/diagnostic.hpp"
#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"

namespace vkflow::graph {

struct LoadOptions {
  std::vector<std::string> overrides;                  // --set: "node.input=value" or "param=value"
  std::filesystem::path models_dir;                    // --models / VKFLOW_MODELS ("" = none)
  std::vector<std::filesystem::path> template_dirs;    // searched for templates by name
};

struct LoadResult {
  Workflow workflow;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> notes;  // e.g. "node 7 feeds no output and was pruned"
  bool ok() const { return errors.empty(); }
};

// Reads `path` (JSON: a workflow, a template run directly, or ComfyUI API format).
LoadResult load_workflow(const std::filesystem::path& path, const SchemaLookup& schemas,
                         const LoadOptions& opts = {});
// Same, from text already in memory (`source` names it in messages; PNG-embedded workflows).
LoadResult load_workflow_text(const std::string& text, const std::string& source,
                              const SchemaLookup& schemas, const LoadOptions& opts = {});

}  // namespace vkflow::graph
