// The SD1.5 node layer piece by piece: CLIPTextEncode (against the sd15_tiny fixture, weights,
// long prompts, clip skip), latent files and cache codecs, tiled decode, and the errors bad
// inputs give (naming node and field).
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "nodes/media_values.hpp"
#include "nodes/model_values.hpp"
#include "nodes/sd15_handles.hpp"
#include "nodes/value_codec.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/safetensors_write.hpp"
#include "tests/sd15/fixture.hpp"
#include "tests/sd15_nodes/helpers.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;
using nodes::ConditioningEntry;

const nodes::Sd15Checkpoint& tiny() {
  static const auto c = nodes::open_sd15_checkpoint(tiny_ckpt());
  return c;
}

// Runs one node type directly with `inputs` on `dev`.
nodes::Values run_node(const std::string& type, const nodes::Values& inputs, Device& dev, const fs::path& out = {},
                       nlohmann::json options = nlohmann::json::object()) {
  graph::NodeDoc doc;
  doc.id = "n";
  doc.type = type;
  nodes::RunEnv env;
  env.out_dir = out;
  nodes::RunContext ctx{doc, inputs, dev, options, env};
  return nodes::Registry::instance().find(type)->run(ctx);
}

TEST(Sd15Nodes, ClipTextEncodeMatchesTheFixtureWithClipSkip) {
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    const float tol = static_cast<float>(model_tol(*dev, 1e-4f, 5.0f));
    ConditioningEntry last = tiny().clip->encode("", -1, *dev);
    EXPECT_EQ(last.cross_attn.shape, (Shape{1, 77, 16}));
    EXPECT_LE(max_abs_diff(last.cross_attn.data, io_f32("te_empty_last_hidden_state")), tol);
    ConditioningEntry skip2 = tiny().clip->encode("", -2, *dev);
    EXPECT_LE(max_abs_diff(skip2.cross_attn.data, io_f32("te_empty_clip_skip2")), tol);
    ASSERT_TRUE(last.pooled.has_value());
    EXPECT_EQ(last.pooled->shape, (Shape{1, 16}));
  }
}

TEST(Sd15Nodes, PromptWeightsPullTokensAwayFromTheEmptyPrompt) {
  Device& cpu = cpu::device();
  const ConditioningEntry plain = tiny().clip->encode("a small cabin", -1, cpu);
  const ConditioningEntry weighted = tiny().clip->encode("a (small:1.2) cabin", -1, cpu);
  const ConditioningEntry empty = tiny().clip->encode("", -1, cpu);
  ASSERT_EQ(plain.cross_attn.shape, weighted.cross_attn.shape);
  const int64_t dim = 16;
  // Token 2 ("small") carries 1.2; every other token keeps its unweighted encoding.
  for (int64_t t = 0; t < 77; ++t)
    for (int64_t d = 0; d < dim; ++d) {
      const size_t i = size_t(t * dim + d);
      const float want = t == 2 ? (plain.cross_attn.data[i] - empty.cross_attn.data[i]) * 1.2f + empty.cross_attn.data[i]
                                : plain.cross_attn.data[i];
      ASSERT_NEAR(weighted.cross_attn.data[i], want, 1e-5f) << "token " << t;
    }
}

TEST(Sd15Nodes, LongPromptsAreEncodedIn77TokenChunks) {
  std::string prompt;
  for (int i = 0; i < 40; ++i) prompt += "red green ";  // 80 tokens
  const ConditioningEntry e = tiny().clip->encode(prompt, -1, cpu::device());
  EXPECT_EQ(e.cross_attn.shape, (Shape{1, 154, 16}));
}

TEST(Sd15Nodes, SaveLatentLoadLatentRoundTrip) {
  const fs::path out = scratch_dir("sd15_latent_io");
  nodes::HostTensor t{{1, 4, 2, 3}, {}};
  for (int i = 0; i < 24; ++i) t.data.push_back(0.25f * i - 3);
  nodes::Values in = {{"samples", nodes::make_value<nodes::LatentValue>(t)}, {"filename_prefix", std::string("sub/lat")}};
  run_node("SaveLatent", in, cpu::device(), out);
  const fs::path file = out / "sub" / "lat_00001_.latent";
  ASSERT_TRUE(fs::exists(file));
  const auto st = formats::SafetensorsFile::open(file);
  ASSERT_EQ(st.tensors().size(), 2u);  // ComfyUI's layout: the latent and the version marker
  EXPECT_EQ(st.at("latent_format_version_0").shape, (Shape{0}));
  auto loaded = run_node("LoadLatent", {{"latent", file.string()}}, cpu::device());
  const auto& lat = dynamic_cast<const nodes::LatentValue&>(*std::get<std::shared_ptr<const nodes::Object>>(loaded.at("latent")));
  EXPECT_EQ(lat.samples.shape, t.shape);
  EXPECT_EQ(lat.samples.data, t.data);

  // Files without the marker hold latents ×0.18215 (ComfyUI's first format).
  const fs::path old = out / "old.latent";
  formats::write_safetensors_f32(old, {{"latent_tensor", t.shape, &t.data}});
  loaded = run_node("LoadLatent", {{"latent", old.string()}}, cpu::device());
  const auto& l2 = dynamic_cast<const nodes::LatentValue&>(*std::get<std::shared_ptr<const nodes::Object>>(loaded.at("latent")));
  EXPECT_NEAR(l2.samples.data[23], t.data[23] / 0.18215f, 1e-4f);
}

TEST(Sd15Nodes, LatentAndConditioningSurviveTheCacheCodec) {
  auto lat = std::make_shared<nodes::LatentValue>(nodes::HostTensor{{1, 4, 1, 2}, {1, 2, 3, 4, 5, 6, 7, 8}});
  lat->batch_index = std::vector<int64_t>{3};
  ConditioningEntry e;
  e.cross_attn = {{1, 2, 2}, {0.5f, -1, 2, 4}};
  e.pooled = nodes::HostTensor{{1, 2}, {7, 8}};
  e.extra["guidance"] = 3.5;
  for (const nodes::Value& v : {nodes::Value(std::shared_ptr<const nodes::Object>(lat)),
                                nodes::make_value<nodes::ConditioningValue>(std::vector<ConditioningEntry>{e})}) {
    ASSERT_TRUE(nodes::serializable(v));
    std::stringstream s;
    nodes::write_value(s, v);
    const std::string bytes = s.str();
    std::stringstream back(bytes);
    nodes::Value r = nodes::read_value(back);
    std::stringstream again;
    nodes::write_value(again, r);
    EXPECT_EQ(again.str(), bytes);
    std::stringstream cut(bytes.substr(0, bytes.size() - 3));
    EXPECT_THROW(nodes::read_value(cut), Error);
  }
}

TEST(Sd15Nodes, TiledDecodeIsCloseToTheFullDecode) {
  nodes::HostTensor z{{1, 4, 16, 16}, io_f32("vae_latent")};
  for (float& v : z.data) v /= 0.18215f;  // the fixture decoded vae_latent / 0.18215
  const auto full = tiny().vae->decode(z, cpu::device(), std::nullopt);
  nodes::Values in = {{"samples", nodes::make_value<nodes::LatentValue>(z)}, {"vae", nodes::make_value<nodes::VaeValue>(tiny().vae)},
                      {"tile_size", int64_t{64}}, {"overlap", int64_t{16}}, {"temporal_size", int64_t{64}},
                      {"temporal_overlap", int64_t{8}}};
  auto out = run_node("VAEDecodeTiled", in, cpu::device());
  const auto& img = dynamic_cast<const nodes::ImageValue&>(*std::get<std::shared_ptr<const nodes::Object>>(out.at("image"))).image;
  ASSERT_EQ(img.data.size(), full.data.size());
  EXPECT_EQ(img.width, 128);
  double mean = 0;
  for (size_t i = 0; i < img.data.size(); ++i) mean += std::fabs(img.data[i] - full.data[i]);
  EXPECT_LT(mean / img.data.size(), 0.05);
  // The full decode is the fixture's (clamped to [0, 1], laid out H x W x 3).
  const std::vector<float> ref = io_f32("vae_decoded");
  float worst = 0;
  for (int c = 0; c < 3; ++c)
    for (int y = 0; y < 128; ++y)
      for (int x = 0; x < 128; ++x) {
        const float want = std::clamp(ref[(size_t(c) * 128 + y) * 128 + x] * 0.5f + 0.5f, 0.f, 1.f);
        worst = std::max(worst, std::fabs(full.at(0, y, x, c) - want));
      }
  EXPECT_LE(worst, 2e-3f);
}

// ---- bad inputs: the error names the node and the field.

std::string run_error(const graph::Workflow& wf) {
  try {
    run_on(wf, cpu::device(), scratch_dir("sd15_bad"));
  } catch (const scheduler::NodeFailed& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(Sd15Nodes, WidthNotAMultipleOf8IsReported) {
  const graph::Workflow wf = load_ok(source_dir() / "workflows" / "sd15_txt2img.json", {"latent.width=100"});
  const std::string msg = run_error(wf);
  EXPECT_NE(msg.find("'latent' (EmptyLatentImage)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("input 'width': 100 is not a positive multiple of 8"), std::string::npos) << msg;
}

TEST(Sd15Nodes, MissingCheckpointIsAValidationError) {
  graph::LoadOptions lo;
  lo.overrides = {"checkpoint.ckpt_name=no_such_model.safetensors"};
  const auto r = graph::load_workflow(source_dir() / "workflows" / "sd15_txt2img.json", schemas(), lo);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].code, "model_not_found");
  EXPECT_EQ(r.errors[0].node, "checkpoint");
  EXPECT_EQ(r.errors[0].input, "ckpt_name");
}

TEST(Sd15Nodes, WrongCheckpointFileTypeIsReported) {
  for (const fs::path& bad : {source_dir() / "workflows" / "assets" / "demo_image.png", data_dir() / "sd15" / "io.safetensors"}) {
    SCOPED_TRACE(bad.string());
    const graph::Workflow wf = load_ok(source_dir() / "workflows" / "sd15_txt2img.json", {"checkpoint.ckpt_name=" + bad.string()});
    const std::string msg = run_error(wf);
    EXPECT_NE(msg.find("'checkpoint' (CheckpointLoaderSimple)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("input 'ckpt_name'"), std::string::npos) << msg;
  }
}

TEST(Sd15Nodes, UnknownSamplerAndSchedulerAreValidationErrors) {
  graph::LoadOptions lo;
  lo.overrides = {"sampler.sampler_name=warp_drive", "sampler.scheduler=sometimes"};
  const auto r = graph::load_workflow(source_dir() / "workflows" / "sd15_txt2img.json", schemas(), lo);
  ASSERT_EQ(r.errors.size(), 2u);
  for (const auto& e : r.errors) EXPECT_EQ(e.node, "sampler");
}

}  // namespace
}  // namespace vkflow::test
