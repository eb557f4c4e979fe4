// The flux_tiny 4-step schnell run end to end on every test device: ComfyUI's simple schedule
// over schnell's ModelSamplingDiscreteFlow (shift 1) sigmas, torch noise seed 4442, KSampler euler with the flow
// denoiser (cfg 1, conditioning = the fixture's T5 states and pooled CLIP output for prompt 0),
// then the AE decode; against diffusers' FluxPipeline recorded step by step.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "runtime/models/flux/flow_denoiser.hpp"
#include "runtime/models/flux/flux_latent.hpp"
#include "runtime/models/vae/autoencoder_kl.hpp"
#include "runtime/ops/unary.hpp"
#include "runtime/sampling/flow_schedule.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "tests/flux/fixture.hpp"

namespace vkflow::models {
namespace {

constexpr int64_t kC = 16, kH = 16, kW = 16, kN = kC * kH * kW;

// Packed [1, 64, 64] host copy of an unpacked [1, 16, 16, 16] latent.
std::vector<float> packed(Device& dev, std::span<const float> x) {
  return flux::pack_latent(Tensor::from_f32(dev, {1, kC, kH, kW}, {x.begin(), x.end()})).to_f32();
}

TEST(FluxSchnell, FourStepRunMatchesTheFixtureOnEveryDevice) {
  const std::vector<float> sig = sampling::comfy_simple(sampling::comfy_discrete_flow_sigmas(1.0), 4);
  const std::vector<float> want_sig = test::flux_f32("run_sigmas");
  ASSERT_EQ(sig.size(), want_sig.size());
  for (size_t i = 0; i < sig.size(); ++i) EXPECT_NEAR(sig[i], want_sig[i], 1e-6f);
  const sampling::InitialNoise noise = sampling::initial_noise(4442, kN);
  EXPECT_EQ(noise.noise, test::flux_f32("run_noise"));

  const std::vector<float> t5 = test::flux_f32("t5_last_hidden_state"), pooled = test::flux_f32("clip_pooler_output");
  const std::vector<float> want_v = test::flux_f32("run_step_velocity"), want_x = test::flux_f32("run_step_latents");
  const std::vector<float> want_final = test::flux_f32("run_final_latent_unpacked");
  const size_t per = 64 * 64;
  const auto dit_file = formats::ModelFile::open(test::flux_dit_path("flux_tiny_bf16.safetensors"));
  const auto ae_file = formats::ModelFile::open(test::flux_ae_path());
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    const FluxModel dit(dit_file, *dev);
    const AutoencoderKL ae(ae_file, *dev, "", VaeParts::Decoder);
    // Prompt 0 of the fixture's two: the first 256 x 16 T5 states and 16 pooled values.
    FluxCond cond{Tensor::from_f32(*dev, {1, 256, 16}, {t5.begin(), t5.begin() + 256 * 16}),
                  Tensor::from_f32(*dev, {1, 16}, {pooled.begin(), pooled.begin() + 16})};

    sampling::KSampleRun run;
    run.sampler = "euler";
    run.sigmas.assign(sig.begin(), sig.end());
    run.noise = noise.noise;
    run.format = sampling::LatentFormat::flux();
    run.model = {.prediction = sampling::Prediction::Flow, .sigma_max = 1.0, .sigma_min = sig[sig.size() - 2]};
    std::vector<std::vector<float>> xs, vs;  // x at each step's start, velocity (x − D)/σ
    run.ctx.denoiser = make_flow_denoiser(dit, {1, kC, kH, kW}, cond);  // cfg 1: cond only
    run.ctx.on_step = [&](const sampling::StepInfo& s) {
      xs.emplace_back(s.x.begin(), s.x.end());
      std::vector<float> v(s.x.size());
      for (size_t i = 0; i < v.size(); ++i) v[i] = (s.x[i] - s.denoised[i]) / static_cast<float>(s.sigma);
      vs.push_back(std::move(v));
      return true;
    };
    const std::vector<float> stored = sampling::ksample(run);
    ASSERT_EQ(vs.size(), 4u);

    const float x_tol = test::kFluxStepTol * std::max(1.0f, test::max_abs(want_x));
    for (size_t i = 0; i < 4; ++i) {
      const std::vector<float> wv(want_v.begin() + i * per, want_v.begin() + (i + 1) * per);
      test::expect_close(*dev, packed(*dev, vs[i]), wv, x_tol, "velocity " + std::to_string(i));
      if (i == 0) continue;  // step i starts from the latent after step i − 1
      const std::vector<float> wx(want_x.begin() + (i - 1) * per, want_x.begin() + i * per);
      test::expect_close(*dev, packed(*dev, xs[i]), wx, x_tol, "latent after step " + std::to_string(i - 1));
    }
    // The stored (AE-space) result is the model latent / 0.3611 + 0.1159.
    std::vector<float> model_x = stored;
    sampling::latent_to_model(sampling::LatentFormat::flux(), model_x);
    test::expect_close(*dev, model_x, want_final, x_tol, "final latent");

    const Tensor img = ops::clamp(ops::scale(ae.decode(Tensor::from_f32(*dev, {1, kC, kH, kW}, stored)), 0.5f, 0.5f), 0, 1);
    test::expect_flux_matches(img, "run_image", test::kFluxImageTol);
  }
}

}  // namespace
}  // namespace vkflow::models
