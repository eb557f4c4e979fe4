#include "cli/workflow_args.hpp"

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cli/exit_codes.hpp"
#include "nodes/node.hpp"

namespace vkflow::cli {

namespace fs = std::filesystem;

void add_workflow_args(CLI::App* cmd, WorkflowArgs& a) {
  cmd->add_option("workflow", a.file, "Workflow JSON: vkflow v1, a template, or ComfyUI API format")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", a.sets, "Override: node.input=value, or parameter=value for a template "
                                   "(value parsed as JSON when it parses, else text); repeatable");
  cmd->add_option("--models", a.models, "Models folder laid out like ComfyUI's (default: $VKFLOW_MODELS)");
  cmd->add_option("--templates", a.template_dirs, "Extra folder searched for template:<name> (repeatable)");
}

graph::LoadOptions load_options(const WorkflowArgs& a) {
  graph::LoadOptions o;
  o.overrides = a.sets;
  if (!a.models.empty()) o.models_dir = a.models;
  else if (const char* m = std::getenv("VKFLOW_MODELS"); m && *m) o.models_dir = m;
  for (const auto& d : a.template_dirs) o.template_dirs.emplace_back(d);
  if (const char* t = std::getenv("VKFLOW_TEMPLATES"); t && *t) {
    std::stringstream ss(t);
    for (std::string d; std::getline(ss, d, ':');)
      if (!d.empty()) o.template_dirs.emplace_back(d);
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (const fs::path& d : {exe / "workflows/templates", exe / "../workflows/templates",
                            fs::current_path(ec) / "workflows/templates"})
    if (fs::is_directory(d, ec)) o.template_dirs.push_back(fs::weakly_canonical(d, ec));
  return o;
}

graph::LoadResult load_from_args(const WorkflowArgs& a) {
  return graph::load_workflow(a.file, nodes::Registry::instance().lookup(), load_options(a));
}

void print_diagnostics(const graph::LoadResult& r, bool json, bool verbose, std::ostream& out) {
  const std::string& src = r.workflow.source;
  if (json) {
    nlohmann::json j = {{"file", src}, {"valid", r.ok()}, {"errors", nlohmann::json::array()},
                        {"notes", nlohmann::json::array()}};
    for (const auto& d : r.errors) j["errors"].push_back(graph::to_json(d));
    for (const auto& d : r.notes) j["notes"].push_back(graph::to_json(d));
    if (r.ok()) j["nodes"] = r.workflow.nodes.size();
    out << j.dump(2) << "\n";
    return;
  }
  for (const auto& d : r.errors) out << graph::format_human(d, src) << "\n";
  if (verbose)
    for (const auto& d : r.notes) out << "note: " << graph::format_human(d, src) << "\n";
  if (!r.ok()) out << src << ": " << r.errors.size() << (r.errors.size() == 1 ? " error" : " errors") << "\n";
}

int load_failure_exit_code(const graph::LoadResult& r) {
  for (const auto& d : r.errors)
    if (d.code == "bad_override_syntax" || d.code == "bad_override_target") return kUsage;
  return kInvalidWorkflow;
}

}  // namespace vkflow::cli
