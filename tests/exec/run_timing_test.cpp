// Where a node's time goes (nodes/node_timing.hpp): exclusive phase and load times, step
// intervals that start after the load, no-ops without a recorder; and the run's devices capped
// at the plan's budget (scheduler/run_devices.hpp).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "nodes/node_timing.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/vulkan/vulkan_device.hpp"
#include "scheduler/executor.hpp"
#include "scheduler/run_devices.hpp"
#include "scheduler/run_timing.hpp"

using namespace vkflow;
using namespace std::chrono_literals;

namespace {

void nap(std::chrono::milliseconds ms) { std::this_thread::sleep_for(ms); }

TEST(NodeTiming, PhasesAreExclusiveOfTheLoadsInsideThem) {
  nodes::TimingRecorder rec;
  nodes::RecorderScope scope(&rec);
  {
    nodes::PhaseTimer t5("t5", &cpu::device());
    nap(20ms);
    {
      nodes::PhaseTimer load = nodes::load_timer(cpu::device());
      nap(60ms);
      load.done();
    }
    t5.done();
  }
  nodes::PhaseTimer again("t5");
  nap(20ms);
  again.done();
  const nodes::NodeTiming t = rec.finish();
  ASSERT_EQ(t.phases.size(), 1u);
  EXPECT_EQ(t.phases[0].first, "t5");
  EXPECT_GE(t.phases[0].second, 0.035);
  EXPECT_LT(t.phases[0].second, 0.060);  // the 60 ms load is not in it
  EXPECT_GE(t.load_seconds, 0.055);
  EXPECT_GE(t.seconds, t.load_seconds + t.phases[0].second);
}

TEST(NodeTiming, TheFirstStepStartsAfterTheLoad) {
  nodes::TimingRecorder rec;
  nodes::RecorderScope scope(&rec);
  {
    nodes::PhaseTimer load = nodes::load_timer(cpu::device());
    nap(80ms);
    load.done();
  }
  nap(10ms);
  rec.mark_step();
  nap(10ms);
  rec.mark_step();
  const nodes::NodeTiming t = rec.finish();
  ASSERT_EQ(t.step_seconds.size(), 2u);
  EXPECT_LT(t.step_seconds[0], 0.060);
  EXPECT_GE(t.step_seconds[0], 0.009);
  const std::string j = t.to_json().dump();
  EXPECT_NE(j.find("\"load_seconds\""), std::string::npos) << j;
}

TEST(NodeTiming, AnUnwoundTimerRecordsNothingAndNoRecorderIsANoOp) {
  {
    nodes::PhaseTimer lonely("x");  // no recorder on this thread
    lonely.done();
  }
  nodes::TimingRecorder rec;
  nodes::RecorderScope scope(&rec);
  try {
    nodes::PhaseTimer t("clip_l");
    throw Error("boom");
  } catch (const Error&) {
  }
  nodes::PhaseTimer outer("t5");
  outer.done();
  const nodes::NodeTiming t = rec.finish();
  ASSERT_EQ(t.phases.size(), 1u);
  EXPECT_EQ(t.phases[0].first, "t5");
  EXPECT_EQ(t.load_seconds, 0.0);
}

TEST(RunTimings, TableShowsLoadsPhasesAndStepTimes) {
  scheduler::NodeReport n{"sampler", "KSampler", scheduler::NodeStatus::Ran, 3.0, {}, {}};
  n.memory.device = "vulkan0";
  n.timing.seconds = 3.0;
  n.timing.load_seconds = 1.0;
  n.timing.step_seconds = {0.8, 0.4, 0.4, 0.4};
  scheduler::NodeReport c{"positive", "CLIPTextEncode", scheduler::NodeStatus::Ran, 1.0, {}, {}};
  c.timing.seconds = 1.0;
  c.timing.phases = {{"clip_l", 0.1}, {"t5", 0.7}};
  const std::string s = scheduler::timings_text({c, n}, 4.5);
  EXPECT_NE(s.find("4 steps: first 0.800, then 0.400/step"), std::string::npos) << s;
  EXPECT_NE(s.find("clip_l 0.100, t5 0.700"), std::string::npos) << s;
  EXPECT_NE(s.find("total 4.500 (model loads 1.000)"), std::string::npos) << s;
}

TEST(RunDevices, VulkanDevicesAreCappedAtThePlannedBudget) {
  if (!vulkan::available()) GTEST_SKIP() << "no Vulkan device found";
  scheduler::RunDevices devices;
  scheduler::Machine m;
  scheduler::DeviceBudget g;
  g.name = "vulkan0";
  g.kind = DeviceKind::Vulkan;
  g.usable = 48ull << 20;
  m.devices.push_back(g);
  devices.cap_to(m);
  Device& dev = devices.named("vulkan0");
  EXPECT_EQ(dev.memory().budget, 48ull << 20);
  EXPECT_THROW(dev.allocate(64ull << 20), OutOfMemory);
}

}  // namespace
