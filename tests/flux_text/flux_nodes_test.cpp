// FLUX's text nodes: DualCLIPLoader (type flux) and the dual CLIP through CLIPTextEncode /
// CLIPTextEncodeFlux against the flux_tiny fixture, prompt weights, T5 streaming, estimates,
// bad inputs, and the node cache skipping T5 on a second run with the same prompt.
#include <gtest/gtest.h>

#include "nodes/flux_clip.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/text/weighted_chunks.hpp"
#include "scheduler/cache.hpp"
#include "tests/exec/exec_helpers.hpp"
#include "tests/flux_text/fixture.hpp"
#include "tests/flux_text/t5_measure.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;
using nodes::ConditioningEntry;

const std::string kPrompt0 = "a photo of an astronaut riding a horse on mars";
const std::string kPrompt1 = "A cozy cabin in the snowy mountains, oil painting";

fs::path t5_path() { return data_dir() / "flux" / "t5_tiny_fp16.safetensors"; }
fs::path clip_path() { return data_dir() / "flux" / "clip_l_tiny_fp16.safetensors"; }

const nodes::FluxTextEncoder& dual() {
  static const auto e = nodes::open_flux_dual_clip(t5_path(), clip_path());  // either order
  return *e;
}

// Row `r` of a [2, ...] fixture tensor.
std::vector<float> row(const std::string& name, int r) {
  const std::vector<float> all = flux_text_io().read_f32(name);
  const size_t n = all.size() / 2;
  return {all.begin() + r * n, all.begin() + (r + 1) * n};
}

void expect_row(const nodes::HostTensor& got, const std::string& name, int r, Device& dev) {
  const std::vector<float> want = row(name, r);
  const float tol = model_tol(dev, kFluxTextTol, max_abs(want));
  EXPECT_LE(max_abs_diff(got.data, want), tol) << name << " row " << r;
}

nodes::Values run_node(const std::string& type, const nodes::Values& inputs, Device& dev,
                       nlohmann::json options = nlohmann::json::object()) {
  graph::NodeDoc doc;
  doc.id = "n";
  doc.type = type;
  nodes::RunEnv env;
  nodes::RunContext ctx{doc, inputs, dev, options, env};
  return nodes::Registry::instance().find(type)->run(ctx);
}

const ConditioningEntry& entry_of(const nodes::Values& v) {
  const auto& obj = std::get<std::shared_ptr<const nodes::Object>>(v.at("conditioning"));
  return dynamic_cast<const nodes::ConditioningValue&>(*obj).entries.at(0);
}

TEST(FluxNodes, DualClipMatchesTheFixtureOnEveryDevice) {
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    // CLIPTextEncode on a FLUX CLIP: the same prompt to both, as FluxPipeline tokenizes it.
    const ConditioningEntry e = dual().encode(kPrompt0, -1, *dev);
    EXPECT_EQ(e.cross_attn.shape, (Shape{1, 256, 16}));
    expect_row(e.cross_attn, "t5_last_hidden_state", 0, *dev);
    ASSERT_TRUE(e.pooled.has_value());
    EXPECT_EQ(e.pooled->shape, (Shape{1, 16}));
    expect_row(*e.pooled, "clip_pooler_output", 0, *dev);
    EXPECT_TRUE(e.extra.empty());  // no guidance from plain CLIPTextEncode
  }
}

TEST(FluxNodes, ClipTextEncodeFluxSplitsThePrompts) {
  const nodes::Values v = run_node(
      "DualCLIPLoader", {{"clip_name1", clip_path().string()}, {"clip_name2", t5_path().string()}, {"type", "flux"}},
      cpu::device());
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    nodes::Values in = {{"clip", v.at("clip")}, {"clip_l", kPrompt1}, {"t5xxl", kPrompt0}, {"guidance", 3.5}};
    const ConditioningEntry e = entry_of(run_node("CLIPTextEncodeFlux", in, *dev));
    expect_row(e.cross_attn, "t5_last_hidden_state", 0, *dev);  // T5 got prompt 0
    expect_row(*e.pooled, "clip_pooler_output", 1, *dev);       // CLIP-L got prompt 1
    EXPECT_EQ(e.extra.at("guidance"), 3.5);
    // Through CLIPTextEncode (one text to both).
    const ConditioningEntry c = entry_of(run_node("CLIPTextEncode", {{"clip", v.at("clip")}, {"text", kPrompt1}}, *dev));
    expect_row(c.cross_attn, "t5_last_hidden_state", 1, *dev);
    expect_row(*c.pooled, "clip_pooler_output", 1, *dev);
  }
}

TEST(FluxNodes, StreamedT5GivesTheSameConditioning) {
  const nodes::Values v = run_node(
      "DualCLIPLoader", {{"clip_name1", clip_path().string()}, {"clip_name2", t5_path().string()}, {"type", "flux"}},
      cpu::device());
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    nodes::Values in = {{"clip", v.at("clip")}, {"clip_l", kPrompt0}, {"t5xxl", kPrompt1}, {"guidance", 1.0}};
    const ConditioningEntry e = entry_of(run_node("CLIPTextEncodeFlux", in, *dev, {{"stream_weights", true}}));
    expect_row(e.cross_attn, "t5_last_hidden_state", 1, *dev);
    expect_row(*e.pooled, "clip_pooler_output", 0, *dev);
  }
}

TEST(FluxNodes, PromptWeightsPullT5TokensAwayFromTheEmptyPrompt) {
  Device& cpu = cpu::device();
  const std::string prompt = "a (small:1.2) cabin";
  // ComfyUI tokenizes each weighted segment on its own; the states of those ids, unweighted:
  const auto tokens = text::t5_tokenize_with_weights(text::T5Tokenizer::embedded(), prompt, 256);
  std::vector<int64_t> ids;
  for (const auto& t : tokens) ids.push_back(t.id);
  const std::vector<float> plain = t5_encode(cpu, ids);
  const ConditioningEntry weighted = dual().encode(prompt, -1, cpu);
  const ConditioningEntry empty = dual().encode("", -1, cpu);  // </s> then <pad>: ComfyUI's empty tokens
  ASSERT_EQ(weighted.cross_attn.data.size(), plain.size());
  ASSERT_EQ(empty.cross_attn.data.size(), plain.size());
  const int64_t dim = 16;
  int weighted_tokens = 0;
  for (size_t t = 0; t < tokens.size(); ++t) {
    weighted_tokens += tokens[t].weight != 1.0;
    for (int64_t d = 0; d < dim; ++d) {
      const size_t i = t * dim + size_t(d);
      const float w = static_cast<float>(tokens[t].weight), e = empty.cross_attn.data[i];
      ASSERT_NEAR(weighted.cross_attn.data[i], tokens[t].weight == 1.0 ? plain[i] : (plain[i] - e) * w + e, 1e-5f)
          << "token " << t;
    }
  }
  EXPECT_GE(weighted_tokens, 1);
  // Long prompts are not cut at 256 T5 tokens (ComfyUI: no maximum, 256 minimum).
  std::string long_prompt;
  for (int i = 0; i < 150; ++i) long_prompt += "red green ";
  EXPECT_GT(dual().encode(long_prompt, -1, cpu).cross_attn.shape[1], 256);
}

TEST(FluxNodes, BadFilesAreReportedByInput) {
  Device& cpu = cpu::device();
  auto load = [&](const fs::path& a, const fs::path& b, const std::string& type = "flux") {
    return run_node("DualCLIPLoader", {{"clip_name1", a.string()}, {"clip_name2", b.string()}, {"type", type}}, cpu);
  };
  try {
    load(t5_path(), t5_path());
    ADD_FAILURE() << "two T5 files accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("clip_name2"), std::string::npos) << e.what();
  }
  try {
    load(data_dir() / "sd15" / "sd15_tiny.safetensors", t5_path());
    ADD_FAILURE() << "an SD checkpoint accepted";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("clip_name1"), std::string::npos) << e.what();
  }
  EXPECT_THROW(load(clip_path(), data_dir() / "flux" / "missing.safetensors"), Error);
  EXPECT_THROW(load(clip_path(), t5_path(), "sdxl"), Unsupported);
  // CLIPTextEncodeFlux on an SD1.5 CLIP.
  const nodes::Values sd = run_node("CheckpointLoaderSimple", {{"ckpt_name", (data_dir() / "sd15" / "sd15_tiny.safetensors").string()}}, cpu);
  EXPECT_THROW(run_node("CLIPTextEncodeFlux", {{"clip", sd.at("clip")}, {"clip_l", "a"}, {"t5xxl", "b"}, {"guidance", 1.0}}, cpu),
               Error);
}

nodes::Estimate estimate(const std::string& type, DeviceKind target, nlohmann::json inputs) {
  graph::NodeDoc doc;
  doc.id = "n";
  doc.type = type;
  nodes::EstimateContext ctx{doc, target};
  ctx.inputs = std::move(inputs);
  return nodes::Registry::instance().find(type)->estimate(ctx);
}

TEST(FluxNodes, EstimatesCombineClipLAndT5) {
  const nodes::Estimate load = estimate("DualCLIPLoader", DeviceKind::Cpu,
                                        {{"clip_name1", t5_path().string()}, {"clip_name2", clip_path().string()}, {"type", "flux"}});
  const nlohmann::json clip = load.outputs.at("clip");
  EXPECT_EQ(clip.at("family"), "flux");
  EXPECT_EQ(clip.at("t5xxl"), t5_path().string());
  EXPECT_EQ(clip.at("clip_l"), clip_path().string());
  for (DeviceKind kind : {DeviceKind::Cpu, DeviceKind::Vulkan}) {
    const nodes::Estimate e = estimate("CLIPTextEncodeFlux", kind,
                                       {{"clip", clip}, {"clip_l", kPrompt0}, {"t5xxl", kPrompt1}, {"guidance", 3.5}});
    ASSERT_EQ(e.variants.size(), kind == DeviceKind::Cpu ? 1u : 2u);  // T5 whole, or streamed through the GPU
    for (const auto& v : e.variants) {
      ASSERT_EQ(v.weights.size(), 2u);  // CLIP-L and T5, each its own identity
      EXPECT_NE(v.weights[0].model, v.weights[1].model);
      EXPECT_GT(v.peak_bytes, 256u * 16 * 4);  // at least the T5 states it returns
    }
    if (kind == DeviceKind::Vulkan) {
      EXPECT_EQ(e.variants[1].options.value("stream_weights", false), true);
      EXPECT_TRUE(e.variants[1].weights[1].on_host);
    }
    EXPECT_EQ(e.outputs.at("conditioning").at("tokens"), 256);
    EXPECT_EQ(e.output_bytes, (256u * 16 + 16) * 4);
    // CLIPTextEncode on the FLUX CLIP estimates the same work.
    const nodes::Estimate same = estimate("CLIPTextEncode", kind, {{"clip", clip}, {"text", kPrompt1}});
    EXPECT_EQ(same.variants.size(), e.variants.size());
    EXPECT_EQ(same.variants[0].weight_bytes(), e.variants[0].weight_bytes());
  }
  // A weighted prompt adds the empty prompt's row; a long one more tokens.
  std::string long_prompt;
  for (int i = 0; i < 150; ++i) long_prompt += "red green ";
  const nodes::Estimate big = estimate("CLIPTextEncode", DeviceKind::Cpu, {{"clip", clip}, {"text", long_prompt}});
  EXPECT_GT(big.outputs.at("conditioning").at("tokens").get<int64_t>(), 256);
  EXPECT_THROW(estimate("DualCLIPLoader", DeviceKind::Cpu,
                        {{"clip_name1", t5_path().string()}, {"clip_name2", t5_path().string()}, {"type", "flux"}}),
               FormatError);
}

// A test-only output node: takes a CONDITIONING and keeps it, so the executor has a reason
// to want the encoder's output (non-output nodes run only for an output).
std::vector<std::shared_ptr<const nodes::Object>>& sunk() {
  static std::vector<std::shared_ptr<const nodes::Object>> v;
  return v;
}
VKFLOW_REGISTER_NODES(flux_text_test_sink) {
  nodes::NodeDef d;
  d.schema.type = "TestConditioningSink";
  d.schema.category = "test";
  d.schema.output_node = true;
  graph::InputSpec c;
  c.name = "conditioning";
  c.type = graph::types::CONDITIONING;
  d.schema.inputs = {c};
  d.run = [](nodes::RunContext& ctx) {
    sunk().push_back(std::get<std::shared_ptr<const nodes::Object>>(ctx.inputs.at("conditioning")));
    return nodes::Values{};
  };
  reg.add(std::move(d));
}

graph::Workflow encode_workflow(const std::string& text) {
  graph::Workflow wf;
  add_node(wf, "clip", "DualCLIPLoader",
           {{"clip_name1", lit(clip_path().string())}, {"clip_name2", lit(t5_path().string())}, {"type", lit("flux")}});
  add_node(wf, "enc", "CLIPTextEncode", {{"clip", from("clip", "clip")}, {"text", lit(text)}});
  add_node(wf, "sink", "TestConditioningSink", {{"conditioning", from("enc", "conditioning")}});
  return wf;
}

TEST(FluxNodes, SecondRunWithTheSamePromptSkipsTheEncoders) {
  const fs::path dir = scratch_dir("flux_text_cache");
  scheduler::Cache cache;
  const graph::Workflow wf = encode_workflow(kPrompt0);
  auto opts = exec_options(dir / "out", &wf);
  opts.cache = &cache;
  using scheduler::NodeStatus;
  const auto statuses = [](const scheduler::RunReport& r) {
    std::vector<NodeStatus> s;
    for (const auto& n : r.nodes) s.push_back(n.status);
    return s;
  };
  const std::vector<std::string> order = {"clip", "enc", "sink"};
  sunk().clear();
  EXPECT_EQ(statuses(scheduler::execute(wf, plan_in_order(order), opts)),
            (std::vector<NodeStatus>{NodeStatus::Ran, NodeStatus::Ran, NodeStatus::Ran}));
  // Same prompt: the conditioning comes from the cache; neither encoder (nor the loader) runs.
  EXPECT_EQ(statuses(scheduler::execute(wf, plan_in_order(order), opts)),
            (std::vector<NodeStatus>{NodeStatus::Skipped, NodeStatus::Cached, NodeStatus::Ran}));
  ASSERT_EQ(sunk().size(), 2u);
  const auto& a = dynamic_cast<const nodes::ConditioningValue&>(*sunk()[0]).entries.at(0);
  const auto& b = dynamic_cast<const nodes::ConditioningValue&>(*sunk()[1]).entries.at(0);
  EXPECT_EQ(a.cross_attn.data, b.cross_attn.data);
  EXPECT_EQ(a.pooled->data, b.pooled->data);
  // Another prompt: encoded again (the loader's handle comes from the in-memory cache).
  const graph::Workflow other = encode_workflow(kPrompt1);
  opts.env.workflow = &other;
  EXPECT_EQ(statuses(scheduler::execute(other, plan_in_order(order), opts)),
            (std::vector<NodeStatus>{NodeStatus::Cached, NodeStatus::Ran, NodeStatus::Ran}));
  ASSERT_EQ(sunk().size(), 3u);
  EXPECT_NE(dynamic_cast<const nodes::ConditioningValue&>(*sunk()[2]).entries.at(0).cross_attn.data, a.cross_attn.data);
}

}  // namespace
}  // namespace vkflow::test
