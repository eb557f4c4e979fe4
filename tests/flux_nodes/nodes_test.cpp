// The FLUX nodes on the flux_tiny fixture: UNETLoader (BFL safetensors and both GGUF styles),
// VAELoader (FLUX AE, SD VAE), EmptySD3LatentImage, FluxGuidance, ModelSamplingFlux, and the
// schnell run through KSampler (euler, simple, cfg 1, seed 4442) and VAEDecode on every test
// device against diffusers' FluxPipeline, with the fixture's T5/CLIP conditioning.
#include <gtest/gtest.h>

#include <cmath>

#include "nodes/flux_handles.hpp"
#include "nodes/media_values.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/sampling/latent_format.hpp"
#include "tests/flux/fixture.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;
using nodes::Values;

Values run_node(const std::string& type, const Values& inputs, Device& dev) {
  graph::NodeDoc doc;
  doc.id = "n";
  doc.type = type;
  nodes::RunEnv env;
  const nlohmann::json options = nlohmann::json::object();
  nodes::RunContext ctx{doc, inputs, dev, options, env};
  return nodes::Registry::instance().find(type)->run(ctx);
}

template <class T>
const T& as(const Values& v, const std::string& name) {
  return dynamic_cast<const T&>(*std::get<std::shared_ptr<const nodes::Object>>(v.at(name)));
}

// The fixture's conditioning for prompt 0: T5 states [1, 256, 16], pooled CLIP [1, 16].
nodes::Value fixture_conditioning() {
  const auto t5 = flux_f32("t5_last_hidden_state"), pooled = flux_f32("clip_pooler_output");
  nodes::ConditioningEntry e;
  e.cross_attn = {{1, 256, 16}, {t5.begin(), t5.begin() + 256 * 16}};
  e.pooled = nodes::HostTensor{{1, 16}, {pooled.begin(), pooled.begin() + 16}};
  return nodes::make_value<nodes::ConditioningValue>(std::vector<nodes::ConditioningEntry>{e});
}

TEST(FluxNodes, LoadersReadEveryFormat) {
  Device& cpu = cpu::device();
  for (const char* f : {"flux_tiny_bf16.safetensors", "flux_tiny-Q8_0-Q4_0.gguf", "flux_tiny-sdcpp-q8_0.gguf"}) {
    const Values m = run_node("UNETLoader", {{"unet_name", flux_dit_path(f).string()}, {"weight_dtype", "default"}}, cpu);
    const auto& model = *as<nodes::ModelValue>(m, "model").model;
    EXPECT_EQ(model.family(), "flux");
    EXPECT_EQ(model.latent_channels(), 16);
    EXPECT_EQ(model.model_sampling().prediction, sampling::Prediction::Flow);
    const auto s = model.sigmas("simple", 4);  // schnell: ModelSamplingDiscreteFlow, shift 1
    EXPECT_EQ(s, (std::vector<double>{1.0, 0.75, 0.5, 0.25, 0.0}));
  }
  const Values ae = run_node("VAELoader", {{"vae_name", flux_ae_path().string()}}, cpu);
  EXPECT_EQ(as<nodes::VaeValue>(ae, "vae").vae->latent_channels(), 16);
  const Values sd = run_node("VAELoader", {{"vae_name", (data_dir() / "sd15" / "sd15_tiny.safetensors").string()}}, cpu);
  EXPECT_EQ(as<nodes::VaeValue>(sd, "vae").vae->latent_channels(), 4);
  EXPECT_THROW(run_node("UNETLoader", {{"unet_name", flux_ae_path().string()}, {"weight_dtype", "default"}}, cpu), FormatError);
  EXPECT_THROW(run_node("VAELoader", {{"vae_name", flux_dit_path("flux_tiny_bf16.safetensors").string()}}, cpu), FormatError);
  EXPECT_THROW(run_node("UNETLoader", {{"unet_name", "missing.gguf"}, {"weight_dtype", "default"}}, cpu), Error);
}

TEST(FluxNodes, GuidanceShiftAndEmptyLatent) {
  Device& cpu = cpu::device();
  const Values g = run_node("FluxGuidance", {{"conditioning", fixture_conditioning()}, {"guidance", 2.5}}, cpu);
  EXPECT_EQ(as<nodes::ConditioningValue>(g, "conditioning").entries.at(0).extra.at("guidance"), 2.5);

  const Values m = run_node("UNETLoader", {{"unet_name", flux_dit_path("flux_tiny_bf16.safetensors").string()},
                                           {"weight_dtype", "default"}}, cpu);
  const Values shifted = run_node("ModelSamplingFlux", {{"model", m.at("model")}, {"max_shift", 1.15}, {"base_shift", 0.5},
                                                        {"width", int64_t{1024}}, {"height", int64_t{1024}}}, cpu);
  // 1024x1024 = 4096 tokens: shift = max_shift; sigma(t) = e^s / (e^s + 1/t - 1).
  EXPECT_NEAR(nodes::flux_shift_for(1024, 1024, 1.15, 0.5), 1.15, 1e-12);
  const auto s = as<nodes::ModelValue>(shifted, "model").model->sigmas("simple", 4);
  ASSERT_EQ(s.size(), 5u);
  const double e = std::exp(1.15);
  EXPECT_NEAR(s[1], e / (e + 1 / 0.75 - 1), 1e-6);
  // ModelSamplingFlux needs a FLUX model.
  const Values sd = run_node("CheckpointLoaderSimple", {{"ckpt_name", (data_dir() / "sd15" / "sd15_tiny.safetensors").string()}}, cpu);
  EXPECT_THROW(run_node("ModelSamplingFlux", {{"model", sd.at("model")}, {"max_shift", 1.15}, {"base_shift", 0.5},
                                              {"width", int64_t{64}}, {"height", int64_t{64}}}, cpu),
               Error);
}

TEST(FluxNodes, EmptySD3LatentImage) {
  Device& cpu = cpu::device();
  const Values l = run_node("EmptySD3LatentImage", {{"width", int64_t{128}}, {"height", int64_t{96}}, {"batch_size", int64_t{2}}}, cpu);
  const auto& lat = as<nodes::LatentValue>(l, "latent");
  EXPECT_EQ(lat.samples.shape, (Shape{2, 16, 12, 16}));
  for (float v : lat.samples.data) ASSERT_EQ(v, 0.0f);
  EXPECT_THROW(run_node("EmptySD3LatentImage", {{"width", int64_t{120}}, {"height", int64_t{96}}, {"batch_size", int64_t{1}}}, cpu),
               Error);
}

TEST(FluxNodes, SchnellRunThroughKSamplerAndVaeDecodeOnEveryDevice) {
  Device& cpu = cpu::device();
  const Values m = run_node("UNETLoader", {{"unet_name", flux_dit_path("flux_tiny_bf16.safetensors").string()},
                                           {"weight_dtype", "default"}}, cpu);
  const Values ae = run_node("VAELoader", {{"vae_name", flux_ae_path().string()}}, cpu);
  const Values lat = run_node("EmptySD3LatentImage", {{"width", int64_t{128}}, {"height", int64_t{128}}, {"batch_size", int64_t{1}}}, cpu);
  const nodes::Value cond = fixture_conditioning();
  const std::vector<float> want_final = flux_f32("run_final_latent_unpacked"), want_img = flux_f32("run_image");
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    const Values out = run_node("KSampler",
                                {{"model", m.at("model")}, {"positive", cond}, {"negative", cond},
                                 {"latent_image", lat.at("latent")}, {"seed", int64_t{4442}}, {"steps", int64_t{4}},
                                 {"cfg", 1.0}, {"sampler_name", "euler"}, {"scheduler", "simple"}, {"denoise", 1.0}},
                                *dev);
    std::vector<float> x = as<nodes::LatentValue>(out, "latent").samples.data;
    sampling::latent_to_model(sampling::LatentFormat::flux(), x);
    expect_close(*dev, x, want_final, kFluxStepTol * max_abs(want_final), "final latent");

    const Values img = run_node("VAEDecode", {{"samples", out.at("latent")}, {"vae", ae.at("vae")}}, *dev);
    const media::Image& im = as<nodes::ImageValue>(img, "image").image;
    ASSERT_EQ(im.width, 128);
    ASSERT_EQ(im.height, 128);
    std::vector<float> chw(want_img.size());
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 128; ++y)
        for (int x2 = 0; x2 < 128; ++x2) chw[(size_t(c) * 128 + y) * 128 + x2] = im.at(0, y, x2, c);
    expect_close(*dev, chw, want_img, kFluxImageTol, "image");
  }
}

}  // namespace
}  // namespace vkflow::test
