// The executor following a real plan: model weights loaded through the pool and freed as the
// plan says, memory measured per node and per device, and an allocation that fails at run time
// (a CPU device capped far below what the plan assumed) answered by re-planning the rest.
#include <gtest/gtest.h>

#include <algorithm>

#include "exec_helpers.hpp"
#include "nodes/inputs.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "scheduler/plan_builder.hpp"
#include "runtime/vulkan/vulkan_device.hpp"
#include "scheduler/profiles.hpp"
#include "scheduler/run_devices.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::scheduler;
using namespace vkflow::test;
using nlohmann::json;

namespace {

constexpr uint64_t MiB = 1ull << 20;

// A model: 4 MiB of weights allocated on the device it is loaded on.
struct FakeModel {
  explicit FakeModel(Device& d) : weights(d.allocate(4 * MiB)) {}
  std::shared_ptr<Buffer> weights;
};

// Test-only node type (registered in this test binary only): it needs "mib" MiB of working
// memory at once, or a quarter of it four times over with option chunk (the frugal variant).
nodes::Values run_workspace(nodes::RunContext& ctx) {
  auto model = ctx.models->get<FakeModel>("test#weights", ctx.device,
                                          [&] { return std::make_shared<FakeModel>(ctx.device); });
  const uint64_t mib = static_cast<uint64_t>(nodes::input_int(ctx, "mib"));
  const uint64_t chunk = ctx.options.value("chunk", uint64_t{0});
  if (chunk == 0) {
    auto b = ctx.device.allocate(mib * MiB);
  } else {
    for (uint64_t done = 0; done < mib; done += chunk) auto b = ctx.device.allocate(chunk * MiB);
  }
  return {};
}

nodes::Estimate estimate_workspace(nodes::EstimateContext& ctx) {
  const uint64_t mib = ctx.inputs.value("mib", uint64_t{0});
  nodes::Estimate e;
  for (uint64_t chunk : {uint64_t{0}, mib / 4}) {
    models::Footprint f;
    f.device = ctx.target;
    f.options = {{"chunk", chunk}};
    f.label = chunk ? "chunk " + std::to_string(chunk) : "whole";
    f.weights = {{"test#weights", 4 * MiB, false}};
    f.peak_bytes = (chunk ? chunk : mib) * MiB;
    f.flops = chunk ? 2e9 : 1e9;  // the chunked variant is slower: the planner prefers whole
    e.variants.push_back(f);
  }
  return e;
}

VKFLOW_REGISTER_NODES(test_workspace) {
  nodes::NodeDef d;
  d.schema.type = "TestWorkspace";
  d.schema.category = "test";
  d.schema.inputs = {nodes::int_param("mib", 8, 1, 4096)};
  d.schema.output_node = true;
  d.schema.devices = {"cpu", "vulkan"};
  d.run = run_workspace;
  d.estimate = estimate_workspace;
  reg.add(std::move(d));
}

graph::Workflow two_nodes(int first_mib, int second_mib) {
  graph::Workflow wf;
  add_node(wf, "a", "TestWorkspace", {{"mib", lit(first_mib)}});
  add_node(wf, "b", "TestWorkspace", {{"mib", lit(second_mib)}});
  return wf;
}

struct Planned {
  Machine machine = machine_from_profile(*find_profile("rx580-8gb"), {8ull << 30, 16ull << 30});
  PlanInput input;
  Plan plan;
  explicit Planned(const graph::Workflow& wf, graph::DevicePin pin = graph::DevicePin::Cpu) {
    BuildOptions b;
    b.pin_all = pin;
    auto& reg = nodes::Registry::instance();
    input = build_plan_input(wf, {"a", "b"}, [&](std::string_view t) { return reg.find(t); }, b);
    plan = place(input, machine);
  }
};

// Caps the CPU device for one test, restoring the default after.
struct CpuCap {
  explicit CpuCap(uint64_t extra) { cpu::set_budget(cpu::device().memory().in_use + extra); }
  ~CpuCap() { cpu::set_budget(0); }
};

std::vector<json> of_kind(const Recorder& r, const std::string& kind) {
  std::vector<json> v;
  for (const auto& e : r.events)
    if (e.value("event", "") == kind) v.push_back(e);
  return v;
}

}  // namespace

TEST(PlannedRun, SharedWeightsLoadOnceAndAreFreedAfterLastUseWithMeasuredPeaks) {
  auto wf = two_nodes(32, 8);
  Planned p(wf);
  ASSERT_EQ(p.plan.steps[0].label, "whole");
  ASSERT_EQ(p.plan.steps[0].load, std::vector<std::string>{"test#weights"});
  ASSERT_TRUE(p.plan.steps[1].load.empty());  // stays resident between the two uses
  auto opts = exec_options(scratch_dir("planned_run"), &wf);
  nodes::ModelPool pool;
  opts.models = &pool;
  Recorder rec;
  opts.events.add(rec.observer());
  RunReport r = execute(wf, p.plan, opts);

  ASSERT_EQ(r.nodes.size(), 2u);
  const NodeMemory& a = r.nodes[0].memory;
  EXPECT_EQ(a.device, "cpu");
  EXPECT_EQ(a.measured_weights, 4 * MiB);  // loaded by the first node only
  EXPECT_EQ(a.estimated_weights, 4 * MiB);
  EXPECT_EQ(a.measured_peak, 32 * MiB);
  EXPECT_EQ(a.estimated_peak, 32 * MiB);
  EXPECT_EQ(r.nodes[1].memory.measured_weights, 0u);
  EXPECT_EQ(r.nodes[1].memory.measured_peak, 8 * MiB);
  // Freed after its last use, by the second node; nothing left in the pool.
  auto unloaded = of_kind(rec, "unloaded");
  ASSERT_EQ(unloaded.size(), 1u);
  EXPECT_EQ(unloaded[0]["model"], "test#weights");
  EXPECT_EQ(unloaded[0]["by"], "b");
  EXPECT_TRUE(pool.entries().empty());
  // Per device: the run's high-water (weights + the first node's 32 MiB) beside the plan's.
  ASSERT_EQ(r.devices.size(), 1u);
  EXPECT_EQ(r.devices[0].device, "cpu");
  EXPECT_EQ(r.devices[0].measured_peak, 36 * MiB);
  EXPECT_EQ(r.devices[0].estimated_peak, 36 * MiB);
  auto finished = of_kind(rec, "finished");
  EXPECT_EQ(finished[0]["memory"]["measured_peak"], 32 * MiB);
  EXPECT_EQ(of_kind(rec, "run_finished")[0]["devices"][0]["estimated_peak"], 36 * MiB);
}

TEST(PlannedRun, OutOfMemoryReplansTheRestAndCompletes) {
  auto wf = two_nodes(32, 8);
  Planned p(wf);  // planned for 16 GiB of RAM: node a takes 32 MiB at once
  auto opts = exec_options(scratch_dir("planned_run_oom"), &wf);
  opts.plan_input = &p.input;
  opts.machine = &p.machine;
  Recorder rec;
  opts.events.add(rec.observer());
  RunReport r;
  {
    CpuCap cap(20 * MiB);  // the device really has 20 MiB: weights + 8 MiB chunks fit, 32 MiB does not
    r = execute(wf, p.plan, opts);
  }
  ASSERT_EQ(r.replans.size(), 1u);
  EXPECT_NE(r.replans[0].find("out of memory on cpu at node a (TestWorkspace, 'whole'"), std::string::npos) << r.replans[0];
  EXPECT_NE(r.replans[0].find("node a now runs 'chunk 8' on cpu"), std::string::npos) << r.replans[0];
  ASSERT_EQ(of_kind(rec, "out_of_memory").size(), 1u);
  auto re = of_kind(rec, "replanned");
  ASSERT_EQ(re.size(), 1u);
  EXPECT_EQ(re[0]["options"]["chunk"], 8);
  EXPECT_EQ(rec.nodes("finished"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.nodes[0].memory.measured_peak, 8 * MiB);
  EXPECT_EQ(r.nodes[0].memory.estimated_peak, 8 * MiB);
  EXPECT_EQ(r.nodes[0].memory.measured_weights, 4 * MiB);  // reloaded after the reset
}

TEST(PlannedRun, OutOfMemoryWithoutAPlannerInputFailsTheNode) {
  auto wf = two_nodes(32, 8);
  Planned p(wf);
  auto opts = exec_options(scratch_dir("planned_run_oom2"), &wf);
  CpuCap cap(20 * MiB);
  try {
    execute(wf, p.plan, opts);
    FAIL() << "expected NodeFailed";
  } catch (const NodeFailed& e) {
    EXPECT_EQ(e.node, "a");
    EXPECT_NE(std::string(e.what()).find("out of memory on cpu"), std::string::npos) << e.what();
  }
}

TEST(PlannedRun, OutOfMemoryWithNothingMoreFrugalFailsWithThePlannersReason) {
  auto wf = two_nodes(32, 8);
  Planned p(wf);
  auto opts = exec_options(scratch_dir("planned_run_oom3"), &wf);
  opts.plan_input = &p.input;
  opts.machine = &p.machine;
  CpuCap cap(6 * MiB);  // weights fit, not even one 8 MiB chunk
  try {
    execute(wf, p.plan, opts);
    FAIL() << "expected NodeFailed";
  } catch (const NodeFailed& e) {
    EXPECT_EQ(e.node, "a");
    EXPECT_NE(std::string(e.what()).find("re-planning found no way to go on"), std::string::npos) << e.what();
  }
}

TEST(PlannedRun, VulkanAllocatorOverItsBudgetReplansAndCompletes) {
  if (!vulkan::available()) GTEST_SKIP() << "no Vulkan device (llvmpipe or a GPU) on this machine";
  // A Vulkan device whose allocator may hold 20 MiB, under a plan made for an 8 GiB card.
  vulkan::Options o;
  o.budget = 20 * MiB;
  o.block_size = 2 * MiB;
  vulkan::VulkanDevice capped(o);
  auto wf = two_nodes(32, 8);
  Planned p(wf, graph::DevicePin::Vulkan);
  ASSERT_EQ(p.plan.steps[0].device_name, "vulkan0");
  ASSERT_EQ(p.plan.steps[0].label, "whole");
  RunDevices devices;
  devices.put("vulkan0", capped);
  auto opts = exec_options(scratch_dir("planned_run_vk_oom"), &wf);
  opts.device_for = [&](const Placement& pl) -> Device& { return devices(pl); };
  opts.plan_input = &p.input;
  opts.machine = &p.machine;
  Recorder rec;
  opts.events.add(rec.observer());
  RunReport r = execute(wf, p.plan, opts);
  ASSERT_EQ(r.replans.size(), 1u);
  EXPECT_EQ(r.replans[0].rfind("out of memory on vulkan0 (", 0), 0u) << r.replans[0];
  EXPECT_NE(r.replans[0].find(") at node a (TestWorkspace, 'whole', requested 32.0 MiB"), std::string::npos) << r.replans[0];
  EXPECT_NE(r.replans[0].find("now runs 'chunk 8' on vulkan0"), std::string::npos) << r.replans[0];
  EXPECT_EQ(rec.nodes("finished"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(r.nodes[0].memory.device, "vulkan0");
  EXPECT_EQ(r.nodes[0].memory.measured_peak, 8 * MiB);
  ASSERT_EQ(r.devices.size(), 1u);
  EXPECT_LE(r.devices[0].measured_peak, 20 * MiB);
}
