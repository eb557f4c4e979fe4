// The loading pipeline: parse -> (import | v1 parse) -> bind template parameters (a template
// run directly) -> expand template nodes -> --set overrides -> validate -> resolve model
// names -> prune. Every stage appends to the same error list, so the user sees all at once.
#include "graph/load.hpp"

#include <algorithm>
#include <climits>
#include <tuple>

#include "graph/comfy_import.hpp"
#include "graph/dag.hpp"
#include "graph/overrides.hpp"
#include "graph/parse_workflow.hpp"
#include "graph/resolve_models.hpp"
#include "graph/templates.hpp"
#include "graph/validate.hpp"

namespace vkflow::graph {

namespace fs = std::filesystem;

namespace {

std::vector<Override> parse_overrides(const LoadOptions& opts, std::vector<Diagnostic>& diags) {
  std::vector<Override> out;
  for (const auto& s : opts.overrides)
    if (auto o = parse_override(s, diags)) out.push_back(*o);
  return out;
}

void reject_parameter_overrides(const std::vector<Override>& ovs, std::vector<Diagnostic>& diags) {
  for (const auto& o : ovs)
    if (o.node.empty())
      diags.push_back({"bad_override_target", "", o.input, "--set '" + o.text + "': this workflow is not a "
                       "template and has no parameters; use node.input=value", {}});
}

// Parses the document in whichever format it is; binds the parameters of a template run directly.
Workflow parse_document(const ParsedJson& doc, const SchemaLookup& schemas, const std::vector<Override>& ovs,
                        std::vector<Diagnostic>& diags) {
  if (is_comfy_ui_format(doc.value)) {
    diags.push_back({"comfy_ui_format", "", "", "this is ComfyUI's editor format; export it from ComfyUI "
                     "with \"Export (API)\" and load that file", {}});
    return {};
  }
  if (is_vkflow_document(doc.value)) {
    Workflow wf = parse_workflow_v1(doc, "", diags);
    if (auto t = parse_template_block(doc, "", wf, diags))
      bind_parameters(wf.nodes, *t, parameter_values(ovs), "", {}, {}, diags);
    else
      reject_parameter_overrides(ovs, diags);
    return wf;
  }
  if (is_comfy_api_format(doc.value)) {
    reject_parameter_overrides(ovs, diags);
    return import_comfy_api(doc, schemas, diags);
  }
  diags.push_back({"unknown_format", "", "", "not a vkflow workflow ({\"vkflow\": 1, \"nodes\": {...}}), "
                   "a template, nor a ComfyUI API-format workflow", doc.at("")});
  return {};
}

// Reading order: the workflow's own file first, then template files; by line and column;
// problems without a position (the command line, the whole document) last.
void sort_by_position(std::vector<Diagnostic>& d) {
  auto key = [](const Diagnostic& x) {
    return std::make_tuple(x.loc.file, x.loc.line == 0 ? INT_MAX : x.loc.line, x.loc.column);
  };
  std::stable_sort(d.begin(), d.end(), [&](const Diagnostic& a, const Diagnostic& b) { return key(a) < key(b); });
}

void prune(LoadResult& r, const SchemaLookup& schemas) {
  for (const auto& id : unused_nodes(r.workflow, schemas)) {
    r.notes.push_back({"pruned_unused_node", id, "", "feeds no output node; it will not run",
                       r.workflow.nodes.at(id).loc});
    r.workflow.nodes.erase(id);
  }
}

}  // namespace

LoadResult load_workflow_text(const std::string& text, const std::string& source, const SchemaLookup& schemas,
                              const LoadOptions& opts) {
  LoadResult r;
  r.workflow.source = source;
  ParsedJson doc;
  try {
    doc = parse_json(text);
  } catch (const JsonSyntaxError& e) {
    r.errors.push_back({"invalid_json", "", "", "invalid JSON: " + e.detail, e.loc});
    return r;
  }
  auto& diags = r.errors;
  auto ovs = parse_overrides(opts, diags);
  Workflow wf = parse_document(doc, schemas, ovs, diags);
  wf.source = source;
  if (wf.nodes.empty() && !r.ok()) return r;  // not a workflow at all: nothing more to say
  wf.original = doc.value;

  fs::path dir = source.empty() ? fs::path() : fs::path(source).parent_path();
  TemplateContext ctx;
  ctx.search_dirs = opts.template_dirs;
  ctx.search_dirs.push_back(dir / "templates");
  ctx.search_dirs.push_back(dir / "workflows" / "templates");
  ctx.base_dir = dir;
  ctx.schemas = schemas;
  if (doc.value.contains("template") && !source.empty()) ctx.chain.push_back(fs::weakly_canonical(source).string());
  expand_templates(wf, ctx, diags);
  apply_node_overrides(wf, ovs, schemas, diags);
  validate_workflow(wf, schemas, diags);
  resolve_models(wf, schemas, opts.models_dir, dir.empty() ? fs::current_path() : dir, diags);
  r.workflow = std::move(wf);
  if (r.ok()) prune(r, schemas);
  sort_by_position(r.errors);
  return r;
}

LoadResult load_workflow(const fs::path& path, const SchemaLookup& schemas, const LoadOptions& opts) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const Error& e) {
    LoadResult r;
    r.workflow.source = path.string();
    r.errors.push_back({"unreadable_file", "", "", e.what(), {}});
    return r;
  }
  return load_workflow_text(text, path.string(), schemas, opts);
}

}  // namespace vkflow::graph
