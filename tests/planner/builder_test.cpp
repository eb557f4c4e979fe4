// From a workflow to the planner's input, with test-only node definitions passed through a
// lookup (nothing is registered in the real registry).
#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "scheduler/plan_builder.hpp"
#include "synthetic.hpp"

using namespace vkflow;
using namespace vkflow::scheduler;
using namespace vkflow::test;

namespace {
struct FakeNodes {
  std::map<std::string, nodes::NodeDef> defs;
  std::vector<std::string> calls;  // "id:kind" per estimate call
  FakeNodes() {
    nodes::NodeDef latent;
    latent.schema.type = "FakeLatent";
    latent.schema.inputs = {{"width", "INT", false, 512}, {"height", "INT", false, 512}};
    latent.schema.devices = {"cpu"};
    latent.estimate = [this](nodes::EstimateContext& c) {
      calls.push_back(c.node.id + ":cpu");
      nodes::Estimate e;
      int64_t w = c.inputs["width"], h = c.inputs["height"];
      e.variants.push_back(cpu("", {}, static_cast<uint64_t>(w * h / 16), 0));
      e.outputs["LATENT"] = {{"shape", {1, 4, h / 8, w / 8}}};
      e.output_bytes = static_cast<uint64_t>(w * h / 16);
      return e;
    };
    defs["FakeLatent"] = latent;
    nodes::NodeDef decode;
    decode.schema.type = "FakeDecode";
    decode.schema.inputs = {{"samples", "LATENT"}};
    decode.schema.devices = {"cpu", "vulkan"};
    decode.estimate = [this](nodes::EstimateContext& c) {
      calls.push_back(c.node.id + (c.target == DeviceKind::Cpu ? ":cpu" : ":vulkan"));
      auto shape = c.inputs["samples"]["shape"];
      uint64_t px = shape[2].get<uint64_t>() * shape[3].get<uint64_t>() * 64;
      nodes::Estimate e;
      e.variants.push_back(fp(c.target, "full", {{"ae", 100 * MiB}}, px * 512 * 4, 1e12));
      return e;
    };
    defs["FakeDecode"] = decode;
    nodes::NodeDef save;
    save.schema.type = "FakeSave";
    save.schema.inputs = {{"images", "IMAGE"}};
    save.schema.devices = {"cpu"};
    defs["FakeSave"] = save;  // no estimate hook
  }
  NodeLookup lookup() {
    return [this](std::string_view t) -> const nodes::NodeDef* {
      auto it = defs.find(std::string(t));
      return it == defs.end() ? nullptr : &it->second;
    };
  }
};

graph::Workflow workflow() {
  graph::Workflow wf;
  auto add = [&](std::string id, std::string type, std::map<std::string, graph::InputValue> in) {
    graph::NodeDoc d;
    d.id = id;
    d.type = type;
    d.inputs = std::move(in);
    wf.nodes[id] = d;
  };
  add("1", "FakeLatent", {{"width", nlohmann::json(1024)}});
  add("2", "FakeDecode", {{"samples", graph::Link{"1", "LATENT"}}});
  add("3", "FakeSave", {{"images", graph::Link{"2", "IMAGE"}}});
  return wf;
}
}  // namespace

TEST(Builder, EstimatesPerDeviceKindWithUpstreamMetadata) {
  FakeNodes f;
  auto wf = workflow();
  PlanInput in = build_plan_input(wf, {"1", "2", "3"}, f.lookup());
  ASSERT_EQ(in.nodes.size(), 3u);
  EXPECT_EQ(f.calls, (std::vector<std::string>{"1:cpu", "2:cpu", "2:vulkan"}));
  // width 1024 from the workflow, height 512 from the schema default.
  EXPECT_EQ(in.nodes[0].output_bytes, 1024u * 512 / 16);
  // The decode saw the latent's shape [1,4,64,128].
  ASSERT_EQ(in.nodes[1].variants.size(), 2u);
  EXPECT_EQ(in.nodes[1].variants[0].peak_bytes, 64u * 128 * 64 * 512 * 4);
  EXPECT_EQ(in.nodes[1].variants[1].device, DeviceKind::Vulkan);
  EXPECT_EQ(in.nodes[1].inputs_from, std::vector<std::string>{"1"});
  // No hook: one zero footprint on the CPU.
  ASSERT_EQ(in.nodes[2].variants.size(), 1u);
  EXPECT_EQ(in.nodes[2].variants[0].device, DeviceKind::Cpu);
  EXPECT_EQ(in.nodes[2].variants[0].peak_bytes, 0u);
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.find("2")->device_name, "vulkan0");
}

TEST(Builder, PinsFromWorkflowAndCommandLine) {
  FakeNodes f;
  auto wf = workflow();
  wf.nodes["2"].device = graph::DevicePin::Cpu;
  PlanInput in = build_plan_input(wf, {"1", "2", "3"}, f.lookup());
  EXPECT_EQ(in.nodes[1].pin, graph::DevicePin::Cpu);
  EXPECT_EQ(in.nodes[1].pin_source, "workflow");
  EXPECT_EQ(place(in, machine(8 * GiB, 16 * GiB)).find("2")->device_name, "cpu");
  BuildOptions o;
  o.pins["2"] = parse_pin("vulkan", "--pin");
  in = build_plan_input(wf, {"1", "2", "3"}, f.lookup(), o);
  EXPECT_EQ(in.nodes[1].pin, graph::DevicePin::Vulkan);
  EXPECT_EQ(in.nodes[1].pin_source, "--pin");
  Plan p = place(in, machine(8 * GiB, 16 * GiB));
  EXPECT_EQ(p.find("2")->device_name, "vulkan0");
  EXPECT_EQ(p.find("2")->why.rfind("pinned to vulkan (--pin)", 0), 0u);
  EXPECT_THROW(parse_pin("tpu", "--pin"), Error);
}

TEST(Builder, UnknownTypeAndFailingEstimateNameTheNode) {
  FakeNodes f;
  auto wf = workflow();
  wf.nodes["3"].type = "Nope";
  try {
    build_plan_input(wf, {"1", "2", "3"}, f.lookup());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "node '3': unknown node type 'Nope'");
  }
  f.defs["FakeLatent"].estimate = [](nodes::EstimateContext&) -> nodes::Estimate {
    throw FormatError("model.safetensors", "truncated header");
  };
  try {
    build_plan_input(workflow(), {"1", "2", "3"}, f.lookup());
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "node '1' (FakeLatent): estimate: model.safetensors: truncated header");
  }
}
