// Re-planning after a run-time allocation failure, on synthetic estimates.
#include <gtest/gtest.h>

#include "scheduler/replan.hpp"
#include "synthetic.hpp"

using namespace vkflow;
using namespace vkflow::scheduler;
using namespace vkflow::test;

namespace {
PlanInput sample_and_decode() {
  PlanInput in;
  in.nodes.push_back(node("3", "Sample", {gpu("", {{"dit", 5 * GiB}}, 1 * GiB, 1e13)}));
  in.nodes.back().output_bytes = 64 * MiB;
  in.nodes.push_back(node("4", "Decode", {gpu("full", {{"ae", 200 * MiB}}, 3 * GiB, 1e12),
                                          gpu("tile 64/8", {{"ae", 200 * MiB}}, 1 * GiB, 2e12),
                                          gpu("tile 32/8", {{"ae", 200 * MiB}}, 300 * MiB, 3e12),
                                          cpu("full", {{"ae", 200 * MiB}}, 3 * GiB, 1e12)},
                          {"3"}));
  in.nodes.push_back(node("5", "Save", {cpu("", {}, 16 * MiB, 1e8)}, {"4"}));
  return in;
}
}  // namespace

TEST(Replan, FailedNodeMovesToAMoreFrugalOptionThenTheCpu) {
  Machine m = machine(8 * GiB, 16 * GiB);
  PlanInput in = sample_and_decode();
  Plan p = place(in, m);
  ASSERT_EQ(p.steps[1].label, "full");

  auto r = replan_after_oom(in, m, p, 1, OutOfMemory("vulkan0", 2ull << 30, 5ull << 30));
  ASSERT_EQ(r.plan.steps.size(), 2u);
  EXPECT_EQ(r.plan.steps[0].node, "4");
  EXPECT_EQ(r.plan.steps[0].label, "tile 64/8");
  EXPECT_EQ(r.plan.steps[0].load, std::vector<std::string>{"ae"});  // weights come back after the reset
  EXPECT_EQ(r.message,
            "out of memory on vulkan0 at node 4 (Decode, 'full', requested 2.00 GiB with 5.00 GiB in use): "
            "re-planned the remaining 2 step(s); node 4 now runs 'tile 64/8' on vulkan0");
  EXPECT_EQ(r.plan.notes.front(), r.message);
  // The sampler's latent stays in host RAM for the decode.
  EXPECT_EQ(r.input.host_reserved, 64 * MiB);
  EXPECT_EQ(r.plan.timeline[1].resident[0], 64 * MiB);

  auto r2 = replan_after_oom(r.input, m, r.plan, 0, OutOfMemory("vulkan0", 1ull << 30, 1ull << 30));
  EXPECT_EQ(r2.plan.steps[0].label, "tile 32/8");
  auto r3 = replan_after_oom(r2.input, m, r2.plan, 0, OutOfMemory("vulkan0", 300ull << 20, 1ull << 30));
  EXPECT_EQ(r3.plan.steps[0].device_name, "cpu");
  EXPECT_EQ(r3.message.substr(r3.message.size() - 22), "now runs 'full' on cpu");
  try {
    replan_after_oom(r3.input, m, r3.plan, 0, OutOfMemory("cpu", 3ull << 30, 10ull << 30));
    FAIL() << "nothing more frugal is left";
  } catch (const PlanInfeasible& e) {
    EXPECT_EQ(e.node, "4");
    EXPECT_NE(std::string(e.what()).find("after running out of memory on cpu"), std::string::npos) << e.what();
  }
}

TEST(Replan, RejectsAStepOutsideThePlan) {
  Machine m = machine(8 * GiB, 16 * GiB);
  PlanInput in = sample_and_decode();
  Plan p = place(in, m);
  EXPECT_THROW(replan_after_oom(in, m, p, 7, OutOfMemory("vulkan0", 1, 1)), Error);
}
