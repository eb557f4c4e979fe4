// A node's outputs are freed one by one, each after its own last reader: a checkpoint's
// UNet, CLIP and VAE handles (three outputs of one node) must not keep each other's weights
// alive, nor may a handle the node-output cache keeps, or the device holds more than the plan
// says.
#include <gtest/gtest.h>

#include "exec_helpers.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "scheduler/cache.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::test;

namespace {

constexpr uint64_t MiB = 1ull << 20;

// A handle holding 4 MiB of "weights" on the CPU device.
struct Weights final : nodes::Object {
  Weights() : buffer(cpu::device().allocate(4 * MiB)) {}
  std::string_view type() const override { return graph::types::MODEL; }
  void release_loaded() const override { buffer.reset(); }
  mutable std::shared_ptr<Buffer> buffer;
};

uint64_t g_in_use_at_use = 0;  // device bytes in use while the last TestPortUse ran

VKFLOW_REGISTER_NODES(test_port_free) {
  nodes::NodeDef two;
  two.schema.type = "TestTwoHandles";
  two.schema.category = "test";
  two.schema.outputs = {nodes::output("a", graph::types::MODEL), nodes::output("b", graph::types::MODEL)};
  two.schema.devices = {"cpu"};
  two.run = [](nodes::RunContext&) -> nodes::Values {
    return {{"a", nodes::make_value<Weights>()}, {"b", nodes::make_value<Weights>()}};
  };
  reg.add(std::move(two));
  nodes::NodeDef use;
  use.schema.type = "TestPortUse";
  use.schema.category = "test";
  use.schema.inputs = {nodes::port("handle", graph::types::MODEL)};
  use.schema.output_node = true;
  use.schema.devices = {"cpu"};
  use.run = [](nodes::RunContext&) -> nodes::Values {
    g_in_use_at_use = cpu::device().memory().in_use;
    return {};
  };
  reg.add(std::move(use));
}

}  // namespace

TEST(Executor, FreesEachOutputAfterItsOwnLastReader) {
  graph::Workflow wf;
  add_node(wf, "two", "TestTwoHandles", {});
  add_node(wf, "use_a", "TestPortUse", {{"handle", from("two", "a")}});
  add_node(wf, "use_b", "TestPortUse", {{"handle", from("two", "b")}});
  for (bool cached : {false, true}) {
    SCOPED_TRACE(cached ? "with the node-output cache" : "without a cache");
    auto opts = exec_options(scratch_dir("exec_port_free"), &wf);
    scheduler::Cache cache(scheduler::CacheOptions{});
    if (cached) opts.cache = &cache;
    const uint64_t before = cpu::device().memory().in_use;
    auto report = scheduler::execute(wf, plan_in_order({"two", "use_a", "use_b"}), opts);
    // While use_b runs, only b's 4 MiB are held: a went after use_a.
    EXPECT_EQ(g_in_use_at_use - before, 4 * MiB);
    EXPECT_EQ(cpu::device().memory().in_use, before);  // a cached handle kept no weights
  }
}
