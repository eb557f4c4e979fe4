// `vkflow plan WF`: place every node on a device before anything runs and show why — the
// placement table and the per-device memory timeline (or JSON). Works for any machine through
// --profile; exit 4 when nothing fits, 3 when the workflow is invalid.
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/plan_args.hpp"
#include "cli/workflow_args.hpp"
#include "graph/dag.hpp"
#include "nodes/node.hpp"
#include "scheduler/plan_builder.hpp"
#include "scheduler/plan_report.hpp"
#include "scheduler/planner.hpp"

namespace vkflow::cli {
namespace {

struct PlanArgs {
  WorkflowArgs wf;
  PlanFlags plan;
  bool json = false;
};

int run_plan(const PlanArgs& a, const GlobalOptions& g) {
  // Flags first: a bad flag is a usage error whatever the workflow holds.
  PlanSetup setup;
  try {
    setup = parse_plan_flags(a.plan);
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kUsage;
  }

  graph::LoadResult loaded = load_from_args(a.wf);
  if (!loaded.ok()) {
    print_diagnostics(loaded, a.json, g.verbose, a.json ? std::cout : std::cerr);
    return load_failure_exit_code(loaded);
  }
  if (g.verbose) print_diagnostics(loaded, false, true, std::cerr);
  setup.build.models_dir = load_options(a.wf).models_dir;
  auto& reg = nodes::Registry::instance();
  const graph::Workflow& wf = loaded.workflow;

  scheduler::Machine machine = plan_machine(setup);
  scheduler::PlanInput input = scheduler::build_plan_input(
      wf, graph::topological_order(wf), [&](std::string_view t) { return reg.find(t); }, setup.build);
  try {
    scheduler::Plan plan = scheduler::place(input, machine);
    if (a.json) {
      auto j = scheduler::plan_json(plan, machine);
      j["ok"] = true;
      j["workflow"] = a.wf.file;
      std::cout << j.dump(2) << "\n";
    } else {
      std::cout << scheduler::budgets_text(machine) << "\n"
                << scheduler::placement_table(plan) << "\n"
                << scheduler::memory_timeline(plan);
    }
    return kOk;
  } catch (const scheduler::PlanInfeasible& e) {
    if (a.json) std::cout << infeasible_json(e).dump(2) << "\n";
    std::cerr << "error: " << e.what() << "\n";
    return kPlanInfeasible;
  }
}

CommandRegistrar reg_plan{{[](CLI::App& app, GlobalOptions& g) -> std::function<int()> {
  auto args = std::make_shared<PlanArgs>();
  auto* sub = app.add_subcommand("plan", "Place every node on a device before running; show placement and memory");
  add_workflow_args(sub, args->wf);
  add_plan_flags(sub, args->plan);
  sub->add_flag("--json", args->json, "print the plan as JSON");
  return [args, &g] { return run_plan(*args, g); };
}}};

}  // namespace
}  // namespace vkflow::cli
