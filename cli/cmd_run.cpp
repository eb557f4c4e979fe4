// `vkflow run`: load (and validate) a workflow, template or SaveImage PNG, plan it, execute it.
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/command.hpp"
#include "cli/exit_codes.hpp"
#include "nodes/embedded_workflow.hpp"
#include "graph/diagnostic.hpp"
#include "nodes/node.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "scheduler/byte_size.hpp"
#include "scheduler/default_plan.hpp"
#include "scheduler/executor.hpp"
#include "scheduler/interrupt.hpp"
#include "scheduler/progress.hpp"

namespace vkflow::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct RunArgs {
  std::string file;
  std::vector<std::string> sets;
  std::string models, out = "out", events, cache_dir, cache_size = "2G", device = "auto";
  bool json_out = false;
};

// "2G", "512M", "1500000" -> bytes (binary units).
uint64_t parse_size(const std::string& s) {
  size_t pos = 0;
  double v = std::stod(s, &pos);
  std::string unit = s.substr(pos);
  double mult = unit.empty() || unit == "B" ? 1 : unit == "K" || unit == "KiB" ? 1024.0
              : unit == "M" || unit == "MiB" ? 1048576.0 : unit == "G" || unit == "GiB" ? 1073741824.0 : -1;
  if (mult < 0 || v < 0) throw std::invalid_argument(s);
  return static_cast<uint64_t>(v * mult);
}

// The plan seam: the CPU plan until the memory-budget planner takes over.
scheduler::Plan make_plan(const graph::Workflow& wf, const std::string& device) {
  if (device == "vulkan") throw Unsupported("--device vulkan: Vulkan placement needs the planner, which this build does not use yet");
  return scheduler::cpu_plan(wf);
}

int print_invalid(const graph::LoadResult& r, const RunArgs& a) {
  if (a.json_out) {
    json errs = json::array();
    for (const auto& d : r.errors) errs.push_back(graph::to_json(d));
    std::cout << json{{"ok", false}, {"errors", errs}}.dump(2) << "\n";
  } else {
    for (const auto& d : r.errors) std::cerr << graph::format_human(d, r.workflow.source) << "\n";
    std::cerr << r.errors.size() << " error(s); nothing ran\n";
  }
  return kInvalidWorkflow;
}

int run(const RunArgs& a, const GlobalOptions& g) {
  graph::LoadOptions lo;
  lo.overrides = a.sets;
  lo.models_dir = !a.models.empty() ? fs::path(a.models) : fs::path(std::getenv("VKFLOW_MODELS") ? std::getenv("VKFLOW_MODELS") : "");
  auto& reg = nodes::Registry::instance();
  graph::LoadResult loaded = nodes::load_run_source(a.file, reg.lookup(), lo);
  if (!loaded.ok()) return print_invalid(loaded, a);
  if (g.verbose)
    for (const auto& n : loaded.notes) std::cerr << "note: " << graph::format_human(n, a.file) << "\n";

  scheduler::Plan plan;
  try {
    plan = make_plan(loaded.workflow, a.device);
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return kPlanInfeasible;
  }

  scheduler::ExecOptions opts;
  opts.env.out_dir = a.out;
  opts.env.models_dir = lo.models_dir;
  opts.env.workflow = &loaded.workflow;
  opts.device_for = [](const scheduler::Placement& p) -> Device& {
    if (p.device != DeviceKind::Cpu) throw Unsupported("no Vulkan device is set up for this run");
    return cpu::device();
  };
  scheduler::CacheOptions co;
  co.dir = a.cache_dir;
  try {
    co.disk_bytes = parse_size(a.cache_size);
  } catch (const std::exception&) {
    std::cerr << "error: --cache-size '" << a.cache_size << "': expected bytes with an optional K/M/G suffix\n";
    return kUsage;
  }
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
    std::cout << json{{"ok", true}, {"outputs", files}, {"seconds", report.seconds},
                      {"ran", report.count(scheduler::NodeStatus::Ran)},
                      {"cached", report.count(scheduler::NodeStatus::Cached)},
                      {"skipped", report.count(scheduler::NodeStatus::Skipped)}}.dump(2) << "\n";
  } else if (!g.quiet) {
    for (const auto& p : report.outputs) out << "wrote " << p.string() << "\n";
    out << "done in " << scheduler::format_seconds(report.seconds) << " ("
        << report.count(scheduler::NodeStatus::Ran) << " ran, " << report.count(scheduler::NodeStatus::Cached)
        << " cached, " << report.count(scheduler::NodeStatus::Skipped) << " skipped)\n";
  }
  return kOk;
}

const CommandRegistrar reg_run({[](CLI::App& app, GlobalOptions& g) -> std::function<int()> {
  auto a = std::make_shared<RunArgs>();
  auto* sub = app.add_subcommand("run", "Validate, plan and run a workflow, a template, or the workflow embedded in a PNG");
  sub->add_option("workflow", a->file, "workflow or template JSON, ComfyUI API-format JSON, or a PNG written by SaveImage")
      ->required();
  sub->add_option("--set", a->sets, "override an input: node.input=value, or param=value for a template (repeatable)");
  sub->add_option("--models", a->models, "models folder laid out like ComfyUI's (default: $VKFLOW_MODELS)");
  sub->add_option("--out", a->out, "folder for output files")->capture_default_str();
  sub->add_option("--events", a->events, "write JSON-lines run events to FILE, or - for stdout");
  sub->add_option("--cache", a->cache_dir, "keep node outputs in DIR and reuse them across runs");
  sub->add_option("--cache-size", a->cache_size, "cap for --cache, least recently used entries go first (e.g. 2G, 500M)")
      ->capture_default_str();
  sub->add_option("--device", a->device, "where nodes run")->check(CLI::IsMember({"auto", "cpu", "vulkan"}))
      ->capture_default_str();
  sub->add_flag("--json", a->json_out, "machine-readable result (or diagnostics) on stdout");
  sub->footer("Exit codes: 0 ok, 1 a node failed, 2 bad command line, 3 invalid workflow (nothing ran),\n"
              "4 no feasible plan, 5 unreadable input file, 130 cancelled (Ctrl-C).\n"
              "Output nodes (SaveImage, SaveAudio) always run; other nodes are reused from the cache when\n"
              "their type, inputs, upstream nodes and input files are unchanged.");
  return [a, &g] { return run(*a, g); };
}});

}  // namespace
}  // namespace vkflow::cli
