// Every node type's estimate against what it really allocates. Each case is a fixture
// workflow (tests/data/estimates/); it is planned with the real planner and run by the real
// executor on the CPU and on each Vulkan test device (tests/common/devices.hpp), and for every
// node that ran the measured working memory (the device allocator's high-water during the
// node, minus what was in use before it and the weights it loaded) must be within ±20% of the
// plan's estimate, the weights it loaded within ±20% of the plan's, and a node estimated at 0
// device bytes must measure less than kSmall. A second test lists every registered node type
// that no case runs: the known-gaps list may only shrink.
//
// Adding a pipeline is one line in kCases (its workflow, and the models folder it reads).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

#include "graph/dag.hpp"
#include "graph/load.hpp"
#include "nodes/node.hpp"
#include "scheduler/byte_size.hpp"
#include "scheduler/executor.hpp"
#include "scheduler/plan_builder.hpp"
#include "scheduler/planner.hpp"
#include "scheduler/profiles.hpp"
#include "scheduler/run_devices.hpp"
#include "tests/common/devices.hpp"
#include "tests/common/paths.hpp"
#include "tests/whisper/whisper_fixture.hpp"

using namespace vkflow;
using namespace vkflow::scheduler;
using nlohmann::json;

namespace {

constexpr double kTolerance = 0.20;
constexpr uint64_t kSmall = 1ull << 20;  // "about nothing" for nodes estimated at 0 device bytes

struct Case {
  std::string name;
  std::string workflow;    // under tests/data/estimates/
  std::string models_dir;  // under tests/data/ ("" = none)
  // A model that is not committed (too big): where it is found ("" = absent: the case is
  // skipped, but its node types still count as covered), and the "node.input" it is set on.
  std::filesystem::path (*optional_model)() = nullptr;
  std::string model_input = "";
};

// One line per pipeline.
const std::vector<Case> kCases = {
    {"image", "image.json", ""},
    {"audio", "audio.json", ""},
    {"sd15_txt2img", "sd15_txt2img.json", ""},  // the tiny checkpoint in tests/data/sd15
    {"sd15_img2img", "sd15_img2img.json", ""},
    {"sd15_latent", "sd15_latent.json", ""},    // LoadLatent of a committed 128x128 .latent
    {"flux_schnell", "flux_schnell.json", ""},  // tiny FLUX files in tests/data/flux, formats
    {"whisper", "whisper_transcribe.json", "", test::whisper_tiny_bin, "model.model"},
};

// Registered node types no case runs yet. Remove a type when its case lands; the gap test
// fails while an entry is stale, and when a new type appears in neither list.
const std::set<std::string> kKnownGaps = {};

// Estimates this harness found off by more than the tolerance, as "Type@cpu" / "Type@vulkan",
// measured on the tiny fixture models (the estimator owners' to fix; each entry says by how
// much). They are printed, not asserted; an entry that now holds everywhere fails the test
// (remove it), so the list can only shrink.
const std::set<std::string> kKnownMismatches = {};
// Measured differently from run to run (thread-pool scratch), around the tolerance: printed,
// not asserted either way.
const std::set<std::string> kUnstable = {
    // 54-68 KiB measured vs 68 KiB estimated: the attention kernel's per-thread score tiles
    // (8.4 KiB each) are as large as the tiny model's activations, and how many threads hold
    // one at once varies; the estimate counts all of them.
    "CLIPTextEncode@cpu",
};
std::map<std::string, bool> g_mismatch_seen_off;  // key -> was it off on some run

std::filesystem::path workflow_path(const Case& c) { return test::data_dir() / "estimates" / c.workflow; }

std::set<std::string> types_in(const Case& c) {
  std::ifstream f(workflow_path(c));
  json j = json::parse(f);
  std::set<std::string> t;
  for (const auto& [id, n] : j["nodes"].items()) t.insert(n["type"].get<std::string>());
  return t;
}

graph::Workflow load_case(const Case& c) {
  auto& reg = nodes::Registry::instance();
  graph::LoadOptions lo;
  if (!c.models_dir.empty()) lo.models_dir = test::data_dir() / c.models_dir;
  if (c.optional_model) lo.overrides.push_back(c.model_input + "=" + c.optional_model().string());
  auto r = graph::load_workflow(workflow_path(c), reg.lookup(), lo);
  if (!r.ok()) throw std::runtime_error(c.workflow + ": does not load: " + r.errors.front().message);
  return r.workflow;
}

bool within(uint64_t measured, uint64_t estimated) {
  return std::fabs(double(measured) - double(estimated)) <= kTolerance * double(estimated);
}

// Plans the case for `dev` (every node its schema lets run there is pinned to it; the rest stay
// on the CPU), runs it, and checks every node that ran. Returns how many nodes ran on `dev`.
int check_case(const Case& c, Device& dev) {
  auto& reg = nodes::Registry::instance();
  graph::Workflow wf = load_case(c);
  BuildOptions b;
  if (!c.models_dir.empty()) b.models_dir = test::data_dir() / c.models_dir;
  const bool vulkan = dev.kind() == DeviceKind::Vulkan;
  int on_dev = 0;
  for (const auto& [id, n] : wf.nodes) {
    const auto& d = reg.find(n.type)->schema.devices;
    bool can = std::find(d.begin(), d.end(), vulkan ? "vulkan" : "cpu") != d.end();
    b.pins[id] = can ? (vulkan ? graph::DevicePin::Vulkan : graph::DevicePin::Cpu) : graph::DevicePin::Cpu;
    on_dev += can;
  }
  if (on_dev == 0) return 0;
  // Generous budgets: the harness checks estimates, not placement.
  Machine m = machine_from_profile(*find_profile("rx580-8gb"), {64ull << 30, 64ull << 30});
  PlanInput in = build_plan_input(wf, graph::topological_order(wf), [&](std::string_view t) { return reg.find(t); }, b);
  Plan plan = place(in, m);

  RunDevices devices;
  if (vulkan) devices.put("vulkan0", dev);
  ExecOptions opts;
  opts.env.out_dir = test::scratch_dir("estimates_" + c.name);
  opts.env.models_dir = b.models_dir;
  opts.env.workflow = &wf;
  opts.device_for = [&](const Placement& p) -> Device& { return devices(p); };
  RunReport r = execute(wf, plan, opts);

  for (const auto& n : r.nodes) {
    if (n.status != NodeStatus::Ran) continue;
    const NodeMemory& mem = n.memory;
    std::cout << "  " << c.name << " " << n.node << " (" << n.type << ") on " << mem.device << ": measured "
              << format_size(mem.measured_peak) << " / estimated " << format_size(mem.estimated_peak)
              << ", weights " << format_size(mem.measured_weights) << " / " << format_size(mem.estimated_weights) << "\n";
    const std::string where = c.name + " node " + n.node + " (" + n.type + ") on " + mem.device;
    const std::string key = n.type + (mem.device == "cpu" ? "@cpu" : "@vulkan");
    const bool peak_ok = mem.estimated_peak == 0 ? mem.measured_peak < kSmall : within(mem.measured_peak, mem.estimated_peak);
    const bool weights_ok = !(mem.estimated_weights || mem.measured_weights) || within(mem.measured_weights, mem.estimated_weights);
    if (kUnstable.count(key)) {
      if (!peak_ok) std::cout << "    unstable, off this run: " << key << "\n";
    } else if (kKnownMismatches.count(key)) {  // its peak, its weights or both
      g_mismatch_seen_off[key] |= !peak_ok || !weights_ok;
      if (!peak_ok || !weights_ok) std::cout << "    known mismatch " << key << "\n";
      continue;
    } else if (mem.estimated_peak == 0)
      EXPECT_LT(mem.measured_peak, kSmall) << where << ": estimated 0 device bytes, measured " << mem.measured_peak;
    else
      EXPECT_TRUE(within(mem.measured_peak, mem.estimated_peak))
          << where << ": working memory measured " << mem.measured_peak << " vs estimated " << mem.estimated_peak;
    EXPECT_TRUE(weights_ok)
          << where << ": weights measured " << mem.measured_weights << " vs estimated " << mem.estimated_weights;
  }
  return on_dev;
}

}  // namespace

TEST(EstimateVsMeasured, EveryCaseOnEveryTestDevice) {
  for (const auto& c : kCases) {
    if (c.optional_model && c.optional_model().empty()) {
      std::cout << "  " << c.name << ": skipped, its model file is not here\n";
      continue;
    }
    for (Device* dev : test::test_devices()) {
      SCOPED_TRACE(c.name + " on " + dev->name());
      int n = check_case(c, *dev);
      if (n == 0) std::cout << "  " << c.name << ": no node of it runs on " << dev->name() << "\n";
    }
  }
}

TEST(EstimateVsMeasured, KnownMismatchesAreStillMismatches) {
  // Runs after EveryCaseOnEveryTestDevice (same suite, declared order).
  for (const auto& [key, off] : g_mismatch_seen_off)
    EXPECT_TRUE(off) << key << " is now within " << kTolerance * 100 << "% on every run: remove it from kKnownMismatches";
}

TEST(EstimateVsMeasured, EveryCaseTypeHasAnEstimate) {
  auto& reg = nodes::Registry::instance();
  for (const auto& c : kCases)
    for (const auto& t : types_in(c)) {
      const nodes::NodeDef* d = reg.find(t);
      ASSERT_NE(d, nullptr) << c.workflow << ": unknown node type " << t;
      EXPECT_TRUE(static_cast<bool>(d->estimate)) << c.workflow << ": " << t << " has no estimate hook";
    }
}

TEST(EstimateVsMeasured, RegisteredNodeTypesWithoutACase) {
  std::set<std::string> covered;
  for (const auto& c : kCases)
    for (const auto& t : types_in(c)) covered.insert(t);
  std::set<std::string> registered;
  std::vector<std::string> gaps;
  for (const nodes::NodeDef* d : nodes::Registry::instance().all()) {
    registered.insert(d->schema.type);
    if (!covered.count(d->schema.type)) gaps.push_back(d->schema.type);
  }
  std::cout << "node types without an estimate-vs-measured case (" << gaps.size() << "):";
  for (const auto& g : gaps) std::cout << " " << g;
  std::cout << "\n";
  for (const auto& g : gaps)
    EXPECT_TRUE(kKnownGaps.count(g)) << g << " is registered but no case in kCases runs it: add its fixture "
                                     << "workflow to kCases (or, until one exists, the type to kKnownGaps)";
  for (const auto& g : kKnownGaps) {
    EXPECT_FALSE(covered.count(g)) << g << " now has a case: remove it from kKnownGaps";
    EXPECT_TRUE(registered.count(g)) << g << " is no longer registered: remove it from kKnownGaps";
  }
}
