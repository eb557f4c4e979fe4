// A model handle that leaves the run (after its last consumer) frees its loaded weights, even
// though the node cache keeps the handle: cached handles must not hold weights past the plan.
#include <gtest/gtest.h>

#include "exec_helpers.hpp"
#include "graph/node_schema.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "scheduler/cache.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::test;

namespace {

constexpr uint64_t MiB = 1ull << 20;

// A handle whose "weights" (a device buffer) are loaded by the consumer and released on demand.
struct TestHandle : nodes::Object {
  std::string_view type() const override { return graph::types::MODEL; }
  void release_loaded() const override {
    weights.reset();
    ++releases;
  }
  mutable std::shared_ptr<Buffer> weights;
  mutable int releases = 0;
};

VKFLOW_REGISTER_NODES(test_release_loaded) {
  nodes::NodeDef loader;
  loader.schema.type = "TestHandleLoader";
  loader.schema.category = "test";
  loader.schema.outputs = {nodes::output("model", graph::types::MODEL)};
  loader.run = [](nodes::RunContext&) -> nodes::Values { return {{"model", nodes::make_value<TestHandle>()}}; };
  reg.add(std::move(loader));

  nodes::NodeDef user;
  user.schema.type = "TestHandleUser";
  user.schema.category = "test";
  user.schema.inputs = {nodes::port("model", graph::types::MODEL)};
  user.schema.output_node = true;
  user.run = [](nodes::RunContext& ctx) -> nodes::Values {
    const auto& obj = std::get<std::shared_ptr<const nodes::Object>>(ctx.inputs.at("model"));
    const auto& h = dynamic_cast<const TestHandle&>(*obj);
    if (!h.weights) h.weights = ctx.device.allocate(4 * MiB);  // loaded on first use
    return {};
  };
  reg.add(std::move(user));
}

}  // namespace

TEST(ReleaseLoaded, CachedHandlesDropTheirWeightsAfterTheLastConsumer) {
  graph::Workflow wf;
  add_node(wf, "load", "TestHandleLoader", {});
  add_node(wf, "use1", "TestHandleUser", {{"model", from("load", "model")}});
  add_node(wf, "use2", "TestHandleUser", {{"model", from("load", "model")}});
  scheduler::Cache cache;
  auto opts = exec_options(scratch_dir("release_loaded"), &wf);
  opts.cache = &cache;
  const uint64_t before = cpu::device().memory().in_use;
  scheduler::execute(wf, plan_in_order({"load", "use1", "use2"}), opts);
  EXPECT_EQ(cpu::device().memory().in_use, before);  // the cache holds the handle, not its weights

  // The cached handle still works: the next run takes it from the cache and loads again.
  auto again = cache.get(scheduler::node_key(wf.nodes.at("load"),
                                             nodes::Registry::instance().find("TestHandleLoader")->schema, {}, opts.env));
  ASSERT_TRUE(again.has_value());
  const auto& h = dynamic_cast<const TestHandle&>(*std::get<std::shared_ptr<const nodes::Object>>(again->at("model")));
  EXPECT_EQ(h.releases, 1);  // once, after use2 (not between the two users)
  EXPECT_FALSE(h.weights);
  scheduler::execute(wf, plan_in_order({"load", "use1", "use2"}), opts);
  EXPECT_EQ(h.releases, 2);
  EXPECT_EQ(cpu::device().memory().in_use, before);
}
