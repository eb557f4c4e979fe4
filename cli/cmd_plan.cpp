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
#include "cli/workflow_args.hpp"
#include "graph/dag.hpp"
#include "nodes/node.hpp"
#include "scheduler/budget.hpp"
#include "scheduler/byte_size.hpp"
#include "scheduler/live_devices.hpp"
#include "scheduler/plan_builder.hpp"
#include "scheduler/plan_report.hpp"
#include "scheduler/planner.hpp"

namespace vkflow::cli {
namespace {

struct PlanArgs {
  WorkflowArgs wf;
  std::string profile, vram, ram, device;
  std::vector<std::string> pins;
  bool json = false;
};

nlohmann::json infeasible_json(const scheduler::PlanInfeasible& e) {
  nlohmann::json j = {{"ok", false}, {"error", e.what()}, {"node", e.node}, {"type", e.type},
                      {"remedies", e.remedies}, {"shortages", nlohmann::json::array()}};
  for (const auto& s : e.shortages)
    j["shortages"].push_back({{"device", s.device}, {"runs_on", s.runs_on}, {"option", s.option},
                              {"needed", s.needed}, {"usable", s.usable}, {"short_by", s.short_by()},
                              {"weights", s.weights}, {"peak", s.peak}, {"other", s.other}, {"what", s.what}});
  return j;
}

int run_plan(const PlanArgs& a, const GlobalOptions& g) {
  // Flags first: a bad flag is a usage error whatever the workflow holds.
  scheduler::BudgetOverrides over;
  scheduler::BuildOptions build;
  const scheduler::Profile* profile = nullptr;
  try {
    if (!a.vram.empty()) over.vram = scheduler::parse_size(a.vram, "--vram");
    if (!a.ram.empty()) over.ram = scheduler::parse_size(a.ram, "--ram");
    if (!a.profile.empty() && !(profile = scheduler::find_profile(a.profile)))
      throw Error("--profile: unknown profile '" + a.profile + "' (known: " + scheduler::profile_names() + ")");
    if (!a.device.empty()) build.pin_all = scheduler::parse_pin(a.device, "--device");
    for (const auto& p : a.pins) {
      auto eq = p.find('=');
      if (eq == std::string::npos || eq == 0) throw Error("--pin: '" + p + "' is not NODE=cpu|vulkan");
      build.pins[p.substr(0, eq)] = scheduler::parse_pin(p.substr(eq + 1), "--pin " + p.substr(0, eq));
    }
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
  build.models_dir = load_options(a.wf).models_dir;
  auto& reg = nodes::Registry::instance();
  const graph::Workflow& wf = loaded.workflow;

  scheduler::Machine machine;
  if (profile) {
    machine = scheduler::machine_from_profile(*profile, over);
  } else {
    auto live = scheduler::live_device_source();
    machine = scheduler::machine_from_live(*live, over);
  }
  scheduler::PlanInput input = scheduler::build_plan_input(
      wf, graph::topological_order(wf), [&](std::string_view t) { return reg.find(t); }, build);
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
  sub->add_option("--profile", args->profile, "plan for a named machine: " + scheduler::profile_names());
  sub->add_option("--vram", args->vram, "memory the plan may use on each GPU (8GiB, 7.5G, 512MiB)");
  sub->add_option("--ram", args->ram, "host memory the plan may use");
  sub->add_option("--pin", args->pins, "pin a node: ID=cpu|vulkan (repeatable)");
  sub->add_option("--device", args->device, "pin every node: cpu|vulkan");
  sub->add_flag("--json", args->json, "print the plan as JSON");
  return [args, &g] { return run_plan(*args, g); };
}}};

}  // namespace
}  // namespace vkflow::cli
