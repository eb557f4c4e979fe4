// vkflow validate WORKFLOW [--set k=v]... [--models DIR] [--json]: parse, expand and check a
// workflow without running anything. Exit 0 when valid, 3 when not, 2 on a bad command line.
#include <iostream>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/workflow_args.hpp"

namespace vkflow::cli {
namespace {

CommandRegistrar reg{{[](CLI::App& app, GlobalOptions& g) -> std::function<int()> {
  auto* cmd = app.add_subcommand("validate", "Check a workflow (all errors at once); runs nothing");
  auto args = std::make_shared<WorkflowArgs>();
  auto json = std::make_shared<bool>(false);
  add_workflow_args(cmd, *args);
  cmd->add_flag("--json", *json, "Print the result as JSON on stdout");
  cmd->footer("Exit status: 0 valid, 3 invalid workflow, 2 bad command line (including a bad --set).");
  return [args, json, &g] {
    auto r = load_from_args(*args);
    if (*json) {
      print_diagnostics(r, true, g.verbose, std::cout);
    } else {
      print_diagnostics(r, false, g.verbose, std::cerr);
      if (r.ok() && !g.quiet)
        std::cout << r.workflow.source << ": valid (" << r.workflow.nodes.size() << " nodes"
                  << (r.notes.empty() ? "" : ", " + std::to_string(r.notes.size()) + " unused pruned") << ")\n";
    }
    return r.ok() ? kOk : load_failure_exit_code(r);
  };
}}};

}  // namespace
}  // namespace vkflow::cli
