// The sd15_tiny euler_normal run end to end on every test device: tokenizer → CLIP → KSampler
// (runtime/sampling, k-diffusion conventions, torch noise seed 2234) with the UNet batched
// [uncond, cond] → final latent → VAE decode → image, against the fixture's recorded steps.
#include <gtest/gtest.h>

#include "runtime/models/clip/clip_text.hpp"
#include "runtime/models/unet/eps_denoiser.hpp"
#include "runtime/models/unet/unet.hpp"
#include "runtime/models/vae/autoencoder_kl.hpp"
#include "runtime/ops/unary.hpp"
#include "runtime/sampling/discrete_schedule.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "runtime/text/weighted_chunks.hpp"
#include "tests/sd15/fixture.hpp"

namespace vkflow::models {
namespace {

std::vector<int64_t> ids_of(std::string_view prompt) {
  const auto chunks = text::clip_tokenize_with_weights(text::ClipTokenizer::embedded(), prompt, {.weights = false});
  std::vector<int64_t> ids;
  for (const auto& t : chunks.at(0)) ids.push_back(t.id);
  return ids;
}

TEST(Txt2Img, EulerNormalMatchesTheFixtureOnEveryDevice) {
  const std::vector<int64_t> cond_ids = ids_of("a photo of an astronaut riding a horse on mars");
  const std::vector<int64_t> uncond_ids = ids_of("");
  const std::vector<int64_t> fixture_ids = test::io_ids("te_input_ids");
  ASSERT_EQ(cond_ids, std::vector<int64_t>(fixture_ids.begin(), fixture_ids.begin() + 77));
  ASSERT_EQ(uncond_ids, test::io_ids("te_empty_input_ids"));

  const auto sched = sampling::DiscreteSchedule::kdiffusion();
  const std::vector<float> sig32 = sampling::kdiffusion_normal(sched, 4);
  const std::vector<float> want_sigmas = test::io_f32("euler_normal_sigmas");
  ASSERT_EQ(sig32.size(), want_sigmas.size());
  for (size_t i = 0; i < sig32.size(); ++i) EXPECT_NEAR(sig32[i], want_sigmas[i], 1e-6f * (1 + want_sigmas[i]));
  const sampling::InitialNoise noise = sampling::initial_noise(2234, 4 * 16 * 16);
  EXPECT_LE(test::max_abs_diff(noise.noise, test::io_f32("euler_normal_noise")), 0.0f);

  const std::vector<float> want_final = test::io_f32("euler_normal_final_latent");
  const float base_tol = 1e-3f * std::max(1.0f, test::max_abs(want_final));  // case.json: 1e-3·max|x|
  const std::vector<float> want_t = test::io_f32("euler_normal_timesteps");
  const auto& m = test::sd15_model();
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    const float latent_tol = test::model_tol(*dev, base_tol, test::max_abs(want_final));
    const ClipTextModel clip(m, *dev, ClipTextModel::prefix_in(m));
    const UNetModel unet(m, *dev);
    const AutoencoderKL vae(m, *dev, AutoencoderKL::prefix_in(m), VaeParts::Decoder);
    const Tensor cond = clip.encode(cond_ids, 1).last_hidden_state;
    const Tensor uncond = clip.encode(uncond_ids, 1).last_hidden_state;

    // k-diffusion feeds the fractional t = sigma_to_t(σ); record what reached the UNet.
    std::vector<double> fed;
    auto t_of = [&](double s) {
      fed.push_back(sched.sigma_to_t(static_cast<float>(s)));
      return fed.back();
    };
    sampling::KSampleRun run;
    run.sampler = "euler";
    run.sigmas.assign(sig32.begin(), sig32.end());
    run.noise = noise.noise;
    run.format = sampling::LatentFormat::sd15();
    run.comfy_max_denoise = false;  // k-diffusion: x0 = noise·σ0
    run.ctx.denoiser = sampling::make_cfg_denoiser(make_cfg_eps_denoiser(unet, {1, 4, 16, 16}, uncond, cond, t_of), 7.0);
    std::vector<std::vector<float>> step_x;
    run.ctx.on_step = [&](const sampling::StepInfo& s) {
      step_x.emplace_back(s.denoised.begin(), s.denoised.end());
      return true;
    };
    const std::vector<float> stored = sampling::ksample(run);

    ASSERT_EQ(fed.size(), want_t.size());
    for (size_t i = 0; i < fed.size(); ++i) EXPECT_NEAR(fed[i], want_t[i], 1e-3) << "timestep " << i;
    const auto& den_info = test::sd15_io().at("euler_normal_step_denoised");
    const std::vector<float> want_den = test::io_f32("euler_normal_step_denoised");
    const size_t per = want_den.size() / static_cast<size_t>(den_info.shape[0]);
    ASSERT_EQ(step_x.size(), static_cast<size_t>(den_info.shape[0]));
    for (size_t i = 0; i < step_x.size(); ++i) {
      const std::vector<float> want(want_den.begin() + i * per, want_den.begin() + (i + 1) * per);
      EXPECT_LE(test::max_abs_diff(step_x[i], want), latent_tol) << "denoised at step " << i;
    }
    std::vector<float> final_x(stored);
    for (float& v : final_x) v *= 0.18215f;  // back to the sampler's space
    EXPECT_LE(test::max_abs_diff(final_x, want_final), latent_tol);

    // image = clamp(decode(x / 0.18215) / 2 + 0.5, 0, 1); ksample already returned x / 0.18215.
    const Tensor img = ops::clamp(ops::scale(vae.decode(Tensor::from_f32(*dev, {1, 4, 16, 16}, stored)), 0.5f, 0.5f), 0.f, 1.f);
    test::expect_matches(img, "euler_normal_image", 2e-3f);  // case.json tolerances.image
  }
}

}  // namespace
}  // namespace vkflow::models
