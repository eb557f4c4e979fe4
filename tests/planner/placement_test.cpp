// The planner on synthetic graphs with known answers (fake footprints, nothing registered).
#include <gtest/gtest.h>

#include "scheduler/plan_report.hpp"
#include "scheduler/planner.hpp"
#include "synthetic.hpp"

using namespace vkflow;
using namespace vkflow::scheduler;
using namespace vkflow::test;

namespace {
std::vector<std::string> load_names(const Placement& p) { return p.load; }
}  // namespace

TEST(Placement, GpuWhenItFits) {
  PlanInput in;
  in.nodes.push_back(node("a", "Fake", {gpu("full", {{"m.gguf#x", 1 * GiB}}, 1 * GiB, 1e12),
                                        cpu("full", {{"m.gguf#x", 1 * GiB}}, 1 * GiB, 1e12)}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  ASSERT_EQ(p.steps.size(), 1u);
  EXPECT_EQ(p.steps[0].device_name, "vulkan0");
  EXPECT_EQ(p.steps[0].device, DeviceKind::Vulkan);
  EXPECT_EQ(p.steps[0].why, "fastest option, fits");
  EXPECT_EQ(load_names(p.steps[0]), std::vector<std::string>{"m.gguf#x"});
  EXPECT_EQ(p.steps[0].unload, std::vector<std::string>{"m.gguf#x"});
  EXPECT_EQ(p.timeline[0].peak[0], 2 * GiB);
}

TEST(Placement, CpuWhenTheModelIsTooBigForTheGpu) {
  PlanInput in;
  in.nodes.push_back(node("t5", "Fake", {gpu("full", {{"t5#enc", 9 * GiB}}, 100 * MiB, 1e12),
                                         cpu("full", {{"t5#enc", 9 * GiB}}, 100 * MiB, 1e12)}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].device_name, "cpu");
  EXPECT_EQ(p.steps[0].why, "'full' on vulkan0 would need 9.10 GiB > 8.00 GiB usable");
  EXPECT_EQ(p.timeline[1].peak[0], 9 * GiB + 100 * MiB);
}

TEST(Placement, PrefersAFrugalGpuOptionOverTheCpu) {
  PlanInput in;
  in.nodes.push_back(node("vae", "Fake", {gpu("full", {{"ae#dec", 2 * GiB}}, 7 * GiB, 1e12),
                                          gpu("tile 32", {{"ae#dec", 2 * GiB}}, 1 * GiB, 1.3e12),
                                          cpu("full", {{"ae#dec", 2 * GiB}}, 7 * GiB, 1e12)}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].device_name, "vulkan0");
  EXPECT_EQ(p.steps[0].label, "tile 32");
  EXPECT_EQ(p.steps[0].options["variant"], "tile 32");
  EXPECT_EQ(p.steps[0].why, "'full' on vulkan0 would need 9.00 GiB > 8.00 GiB usable");
}

TEST(Placement, LargestAllocationLimit) {
  PlanInput in;  // fits the 8 GiB budget but one buffer exceeds rx580's 4 GiB allocation limit
  auto big = gpu("full", {}, 5 * GiB, 1e12);
  big.largest_alloc = 5 * GiB;
  auto tiled = gpu("tile", {}, 1 * GiB, 1.5e12);
  in.nodes.push_back(node("d", "Fake", {big, tiled}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].label, "tile");
  EXPECT_EQ(p.steps[0].why, "'full' on vulkan0 needs a single 5.00 GiB buffer > 4.00 GiB allocation limit");
  in.nodes[0].variants = {big};
  try {
    place(in, machine(8 * GiB, 16 * GiB));
    FAIL();
  } catch (const PlanInfeasible& e) {
    EXPECT_EQ(std::string(e.what()),
              "plan infeasible: node d (Fake) fits on no device.\n"
              "  vulkan0: 'full' needs a single buffer of 5.00 GiB but the largest allocation is 4.00 GiB: "
              "short by 1.00 GiB\n"
              "To make it fit:\n"
              "  - a smaller tile or attention chunk (a single buffer of 5.00 GiB exceeds vulkan0's largest "
              "allocation)");
  }
}

TEST(Placement, SharedModelLoadsOnce) {
  PlanInput in;
  auto clip = [](std::string id) {
    return node(id, "Encode", {gpu("", {{"sd.st#clip", 250 * MiB}}, 10 * MiB, 1e10),
                               cpu("", {{"sd.st#clip", 250 * MiB}}, 10 * MiB, 1e10)});
  };
  in.nodes.push_back(clip("pos"));
  in.nodes.push_back(clip("neg"));
  in.nodes.push_back(node("k", "Sample", {gpu("", {{"sd.st#unet", 1700 * MiB}}, 1 * GiB, 1e13)}, {"pos", "neg"}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].device_name, "vulkan0");
  EXPECT_EQ(p.steps[1].device_name, "vulkan0");
  EXPECT_EQ(p.steps[0].load, std::vector<std::string>{"sd.st#clip"});
  EXPECT_TRUE(p.steps[0].unload.empty());
  EXPECT_TRUE(p.steps[1].load.empty());
  EXPECT_EQ(p.steps[1].unload, std::vector<std::string>{"sd.st#clip"});
  EXPECT_EQ(p.steps[2].load, std::vector<std::string>{"sd.st#unet"});
  // The clip weights are gone when the sampler runs.
  EXPECT_EQ(p.timeline[0].resident[2], 1700 * MiB);
}

namespace {
PlanInput gap_graph() {
  PlanInput in;
  in.nodes.push_back(node("s1", "UseM", {gpu("", {{"M", 2 * GiB}}, 100 * MiB, 1e12)}));
  in.nodes.push_back(node("s2", "UseN", {gpu("", {{"N", 3 * GiB}}, 1 * GiB, 1e12)}));
  in.nodes.push_back(node("s3", "UseM", {gpu("", {{"M", 2 * GiB}}, 100 * MiB, 1e12)}));
  return in;
}
}  // namespace

TEST(Placement, ModelStaysResidentAcrossAGapWhenItFits) {
  Plan p = place(gap_graph(), machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].load, std::vector<std::string>{"M"});
  EXPECT_TRUE(p.steps[0].unload.empty());
  EXPECT_TRUE(p.steps[2].load.empty());
  EXPECT_EQ(p.steps[2].unload, std::vector<std::string>{"M"});
  EXPECT_EQ(p.timeline[0].peak[1], 6 * GiB);  // M 2 + N 3 + peak 1
  ASSERT_EQ(p.notes.size(), 1u);
  EXPECT_EQ(p.notes[0], "M stays on vulkan0 between steps 1 and 3");
}

TEST(Placement, ModelIsFreedAndReloadedWhenTheGapIsTight) {
  Plan p = place(gap_graph(), machine(5 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].unload, std::vector<std::string>{"M"});
  EXPECT_EQ(p.steps[2].load, std::vector<std::string>{"M"});
  EXPECT_EQ(p.timeline[0].peak[1], 4 * GiB);
  EXPECT_TRUE(p.notes.empty());
  // The reload costs time: 2 GiB at the 2 GB/s disk rate.
  Plan roomy = place(gap_graph(), machine(8 * GiB, 16 * GiB));
  EXPECT_NEAR(p.total_seconds - roomy.total_seconds, 2.0 * GiB / 2e9, 1e-6);
}

TEST(Placement, GlobalChoiceAvoidsLoadingOneModelTwice) {
  // A alone is faster on the GPU, but B (which shares M) only fits on the CPU: loading M on both
  // devices costs more than A's GPU speed-up, so A runs on the CPU too.
  PlanInput in;
  in.nodes.push_back(node("A", "Fake", {gpu("", {{"M", 4 * GiB}}, 0, 1e12), cpu("", {{"M", 4 * GiB}}, 0, 1e12)}));
  in.nodes.push_back(node("B", "Fake", {gpu("", {{"M", 4 * GiB}}, 5 * GiB, 1e12), cpu("", {{"M", 4 * GiB}}, 5 * GiB, 1e12)}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].device_name, "cpu");
  EXPECT_EQ(p.steps[1].device_name, "cpu");
  EXPECT_EQ(p.steps[0].why, "shorter overall with fewer model loads");
  // With a faster GPU edge the split wins.
  in.nodes[0].variants[0].flops = 1e12;
  in.nodes[0].variants[1].flops = 3e12;
  Plan q = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(q.steps[0].device_name, "vulkan0");
}

TEST(Placement, WorkflowPinIsHonoured) {
  PlanInput in;
  in.nodes.push_back(node("a", "Fake", {gpu("", {{"m", 1 * GiB}}, 0, 1e12), cpu("", {{"m", 1 * GiB}}, 0, 1e12)}));
  in.nodes[0].pin = graph::DevicePin::Cpu;
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].device_name, "cpu");
  EXPECT_EQ(p.steps[0].why, "pinned to cpu (workflow); fastest option, fits");
}

TEST(Placement, PinThatCannotFitIsReported) {
  PlanInput in;
  in.nodes.push_back(node("7", "Fake", {gpu("", {{"m", 9 * GiB}}, 0, 1e12), cpu("", {{"m", 9 * GiB}}, 0, 1e12)}));
  in.nodes[0].pin = graph::DevicePin::Vulkan;
  in.nodes[0].pin_source = "--pin";
  try {
    place(in, machine(8 * GiB, 16 * GiB));
    FAIL();
  } catch (const PlanInfeasible& e) {
    EXPECT_EQ(std::string(e.what()),
              "plan infeasible: node 7 (Fake) fits on no device (pinned to vulkan by --pin).\n"
              "  vulkan0: 'default' needs 9.00 GiB (weights 9.00 GiB + working memory 0 B) but 8.00 GiB is "
              "usable: short by 1.00 GiB\n"
              "To make it fit:\n"
              "  - a smaller quantization of the model (its weights alone need 9.00 GiB)\n"
              "  - more VRAM: --vram 9.0GiB or more\n"
              "  - remove the pin so another device can be used");
  }
}

TEST(Placement, InfeasibleSaysWhatIsShortWhereAndByHowMuch) {
  PlanInput in;
  in.nodes.push_back(node("1", "Small", {cpu("", {}, 1 * GiB, 1e9)}));
  in.nodes.push_back(node("5", "Huge", {gpu("chunk 1024", {{"big", 6 * GiB}}, 3 * GiB, 1e12),
                                        gpu("chunk 256", {{"big", 6 * GiB}}, 2560 * MiB, 1.1e12),
                                        cpu("chunk 256", {{"big", 6 * GiB}}, 2560 * MiB, 1e12)}));
  try {
    place(in, machine(8 * GiB, 7 * GiB));
    FAIL();
  } catch (const PlanInfeasible& e) {
    EXPECT_EQ(e.node, "5");
    ASSERT_EQ(e.shortages.size(), 2u);
    EXPECT_EQ(e.shortages[0].device, "vulkan0");
    EXPECT_EQ(e.shortages[0].short_by(), 512 * MiB);
    EXPECT_EQ(e.shortages[1].short_by(), 1536 * MiB);
    EXPECT_EQ(std::string(e.what()),
              "plan infeasible: node 5 (Huge) fits on no device.\n"
              "  vulkan0: 'chunk 256' needs 8.50 GiB (weights 6.00 GiB + working memory 2.50 GiB) but 8.00 GiB "
              "is usable: short by 512 MiB\n"
              "  cpu: 'chunk 256' needs 8.50 GiB (weights 6.00 GiB + working memory 2.50 GiB) but 7.00 GiB is "
              "usable: short by 1.50 GiB\n"
              "To make it fit:\n"
              "  - a lower resolution, shorter input or smaller batch (working memory 2.50 GiB at 'chunk 256')\n"
              "  - more VRAM: --vram 8.5GiB or more");
  }
}

TEST(Placement, OutputsWaitingForConsumersCountOnTheHost) {
  PlanInput in;
  in.nodes.push_back(node("p", "Produce", {cpu("", {}, 0, 1e9)}));
  in.nodes.back().output_bytes = 3 * GiB;
  in.nodes.push_back(node("x", "Other", {cpu("", {}, 1 * GiB, 1e9)}));
  in.nodes.push_back(node("c", "Consume", {cpu("", {}, 0, 1e9)}, {"p"}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.timeline[1].peak, (std::vector<uint64_t>{3 * GiB, 4 * GiB, 3 * GiB}));
  EXPECT_THROW(place(in, machine(8 * GiB, 3 * GiB + 512 * MiB)), PlanInfeasible);
}

TEST(Placement, StreamedWeightsLiveInHostRam) {
  PlanInput in;
  auto streamed = gpu("stream", {{"t5", 9 * GiB, true}}, 800 * MiB, 1e12);
  streamed.host_transfer = 9.0 * GiB;
  in.nodes.push_back(node("t5", "Encode", {gpu("full", {{"t5", 9 * GiB}}, 100 * MiB, 1e12), streamed,
                                           cpu("full", {{"t5", 9 * GiB}}, 100 * MiB, 1e12)}));
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.steps[0].device_name, "vulkan0");
  EXPECT_EQ(p.steps[0].label, "stream");
  EXPECT_EQ(p.timeline[0].peak[0], 800 * MiB);
  EXPECT_EQ(p.timeline[1].peak[0], 9 * GiB);
  ASSERT_EQ(p.steps[0].loads.size(), 1u);
  EXPECT_EQ(p.steps[0].loads[0].device, "cpu");
  // Without room in host RAM for the streamed copy, nothing fits.
  EXPECT_THROW(place(in, machine(8 * GiB, 8 * GiB)), PlanInfeasible);
}

TEST(PlanReport, TableTimelineAndJson) {
  Plan p = place(gap_graph(), machine(8 * GiB, 16 * GiB));
  std::string t = placement_table(p);
  EXPECT_NE(t.find("s2    UseN"), std::string::npos) << t;
  EXPECT_NE(t.find("estimated total:"), std::string::npos);
  std::string tl = memory_timeline(p);
  EXPECT_NE(tl.find("vulkan0 (8.00 GiB usable, highest 6.00 GiB):"), std::string::npos) << tl;
  EXPECT_NE(tl.find("+M"), std::string::npos);
  auto j = plan_json(p, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(j["steps"].size(), 3u);
  EXPECT_EQ(j["steps"][1]["device"], "vulkan0");
  EXPECT_EQ(j["timeline"][0]["peak"][1], 6 * GiB);
  EXPECT_EQ(j["devices"][0]["usable"], 8 * GiB);
}
