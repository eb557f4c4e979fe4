// `vkflow run`: load (and validate) a workflow, template or SaveImage PNG, plan it with the
// memory-budget planner (refusing before anything runs when nothing fits), execute the plan on
// its devices, and print the measured memory peaks beside the plan's estimates.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/plan_args.hpp"
#include "cli/workflow_args.hpp"
#include "nodes/embedded_workflow.hpp"
#include "graph/diagnostic.hpp"
#include "nodes/node.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "scheduler/byte_size.hpp"
#include "graph/dag.hpp"
#include "scheduler/plan_builder.hpp"
#include "scheduler/plan_report.hpp"
#include "scheduler/planner.hpp"
#include "scheduler/run_devices.hpp"
#include "scheduler/run_timing.hpp"
#include "scheduler/executor.hpp"
#include "scheduler/interrupt.hpp"
#include "scheduler/progress.hpp"

namespace vkflow::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct RunArgs {
  WorkflowArgs wf;
  PlanFlags plan;
  std::string out = "out", events, cache_dir, cache_size = "2G";
  bool json_out = false;
};

// Prints a JSON document on stdout when --json asks for one and stdout is not the event stream.
void print_infeasible(const scheduler::PlanInfeasible& e, bool json_doc) {
  if (json_doc) std::cout << infeasible_json(e).dump(2) << "\n";
  std::cerr << "error: " << e.what() << "\n"
            << "nothing ran: no placement fits the memory budgets (see `vkflow plan` for the full table)\n";
}

int run(const RunArgs& a, const GlobalOptions& g) {
  uint64_t cache_bytes = 0;
  PlanSetup setup;
  try {  // flags first: a bad flag is a usage error whatever the workflow holds
    cache_bytes = scheduler::parse_size(a.cache_size, "--cache-size");
    setup = parse_plan_flags(a.plan);
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kUsage;
  }
  graph::LoadOptions lo = load_options(a.wf);
  auto& reg = nodes::Registry::instance();
  graph::LoadResult loaded = nodes::load_run_source(a.wf.file, reg.lookup(), lo);
  if (!loaded.ok()) {
    print_diagnostics(loaded, a.json_out, g.verbose, a.json_out ? std::cout : std::cerr);
    return load_failure_exit_code(loaded);
  }
  if (!g.quiet && !a.json_out)
    for (const auto& n : loaded.notes) std::cerr << "note: " << graph::format_human(n, loaded.workflow.source) << "\n";

  // Plan before anything runs: every node gets a device and options that fit the budgets.
  setup.build.models_dir = lo.models_dir;
  const scheduler::Machine machine = plan_machine(setup);
  scheduler::PlanInput input;
  scheduler::Plan plan;
  try {
    input = scheduler::build_plan_input(loaded.workflow, graph::topological_order(loaded.workflow),
                                        [&](std::string_view t) { return reg.find(t); }, setup.build);
    plan = scheduler::place(input, machine);
  } catch (const scheduler::PlanInfeasible& e) {
    print_infeasible(e, a.json_out && a.events != "-");
    return kPlanInfeasible;
  } catch (const FormatError& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kBadInputFile;
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kRunFailed;
  }
  if (g.verbose && !a.json_out)
    std::cerr << scheduler::budgets_text(machine) << "\n" << scheduler::placement_table(plan) << "\n";

  scheduler::ExecOptions opts;
  opts.env.out_dir = a.out;
  opts.env.models_dir = lo.models_dir;
  opts.env.workflow = &loaded.workflow;
  scheduler::RunDevices devices;
  devices.cap_to(machine);  // the run holds to the budgets it was planned for (--vram)
  opts.device_for = [&devices](const scheduler::Placement& p) -> Device& { return devices(p); };
  opts.plan_input = &input;
  opts.machine = &machine;
  scheduler::CacheOptions co;
  co.dir = a.cache_dir;
  co.disk_bytes = cache_bytes;
  scheduler::Cache cache(co);
  opts.cache = &cache;
  scheduler::CancelToken cancel;
  opts.cancel = &cancel;

  bool events_to_stdout = a.events == "-";
  if (!a.events.empty()) {
    std::shared_ptr<std::ostream> sink;
    if (events_to_stdout) sink = std::shared_ptr<std::ostream>(&std::cout, [](std::ostream*) {});
    else {
      auto f = std::make_shared<std::ofstream>(a.events, std::ios::trunc);
      if (!*f) {
        std::cerr << "error: --events " << a.events << ": cannot open for writing\n";
        return kUsage;
      }
      sink = f;
    }
    opts.events.add(scheduler::json_lines_writer(sink));
  }
  auto progress = std::make_shared<scheduler::ProgressDisplay>(
      std::cerr, scheduler::default_progress_style(g.quiet || a.json_out));
  opts.events.add([progress](const json& e) { progress->on_event(e); });
  // A re-plan after an allocation failed is news even with --quiet: the run goes on differently.
  opts.events.add([](const json& e) {
    if (e.value("event", "") == "replanned") std::cerr << "note: " << e.value("message", "") << "\n";
  });

  std::error_code ec;
  fs::create_directories(a.out, ec);
  scheduler::RunReport report;
  try {
    scheduler::InterruptScope interrupt(cancel);
    report = scheduler::execute(loaded.workflow, plan, opts);
  } catch (const scheduler::Cancelled&) {
    std::cerr << "cancelled: stopped before finishing; no partial files were written\n";
    return kCancelled;
  } catch (const scheduler::NodeFailed& e) {
    std::cerr << "error: " << e.what() << "\n";
    return e.bad_input_file ? kBadInputFile : kRunFailed;
  }

  std::ostream& out = events_to_stdout ? std::cerr : std::cout;
  if (a.json_out && !events_to_stdout) {
    json files = json::array();
    for (const auto& p : report.outputs) files.push_back(p.string());
    json devs = json::array(), nodes = json::array();
    for (const auto& d : report.devices) devs.push_back(d.to_json());
    for (const auto& n : report.nodes)
      if (n.status == scheduler::NodeStatus::Ran)
        nodes.push_back({{"node", n.node}, {"type", n.type}, {"memory", n.memory.to_json()}, {"timing", n.timing.to_json()}});
    std::cout << json{{"ok", true}, {"outputs", files}, {"seconds", report.seconds},
                      {"ran", report.count(scheduler::NodeStatus::Ran)},
                      {"cached", report.count(scheduler::NodeStatus::Cached)},
                      {"skipped", report.count(scheduler::NodeStatus::Skipped)},
                      {"memory", {{"devices", devs}, {"nodes", nodes}}}, {"replans", report.replans}}.dump(2) << "\n";
  } else if (!g.quiet) {
    for (const auto& p : report.outputs) out << "wrote " << p.string() << "\n";
    out << "done in " << scheduler::format_seconds(report.seconds) << " ("
        << report.count(scheduler::NodeStatus::Ran) << " ran, " << report.count(scheduler::NodeStatus::Cached)
        << " cached, " << report.count(scheduler::NodeStatus::Skipped) << " skipped)\n"
        << scheduler::memory_text(report.devices, report.nodes)
        << scheduler::timings_text(report.nodes, report.seconds);
  }
  return kOk;
}

const CommandRegistrar reg_run({[](CLI::App& app, GlobalOptions& g) -> std::function<int()> {
  auto a = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "Validate, plan and run a workflow, a template, or the workflow embedded in a PNG");
  add_workflow_args(sub, a->wf);  // WORKFLOW may also be a PNG written by SaveImage (or ComfyUI)
  sub->add_option("--out", a->out, "folder for output files")->capture_default_str();
  sub->add_option("--events", a->events, "write JSON-lines run events to FILE, or - for stdout");
  sub->add_option("--cache", a->cache_dir, "keep node outputs in DIR and reuse them across runs");
  sub->add_option("--cache-size", a->cache_size, "cap for --cache, least recently used entries go first (e.g. 2G, 500M)")
      ->capture_default_str();
  add_plan_flags(sub, a->plan);
  sub->add_flag("--json", a->json_out, "machine-readable result (or diagnostics) on stdout");
  sub->footer("Exit codes: 0 ok, 1 a node failed, 2 bad command line, 3 invalid workflow (nothing ran),\n"
              "4 no feasible plan, 5 unreadable input file, 130 cancelled (Ctrl-C).\n"
              "Output nodes (SaveImage, SaveAudio) always run; other nodes are reused from the cache when\n"
              "their type, inputs, upstream nodes and input files are unchanged.");
  return [a, &g] { return run(*a, g); };
}});

}  // namespace
}  // namespace vkflow::cli
