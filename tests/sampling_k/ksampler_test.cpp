// KSampler-level handling: sigma selection (denoise, start/end steps, dropped penultimate
// sigma), latent scaling in/out, initial noise scaling (ComfyUI, k-diffusion, flow), CFG.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/sampling/cfg.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "tests/sampling_k/fixture_data.hpp"

namespace vkflow::sampling {
namespace {

// A recognisable schedule: n steps -> [n, n-1, ..., 1, 0] + 0.5 (except the final 0).
std::vector<double> fake_schedule(int n) {
  std::vector<double> s;
  for (int i = n; i >= 1; --i) s.push_back(i + 0.5);
  s.push_back(0.0);
  return s;
}

TEST(KSamplerSigmas, FullScheduleAndDenoiseTail) {
  EXPECT_EQ(ksampler_sigmas(fake_schedule, "euler", 4, 1.0), fake_schedule(4));
  // denoise 0.5: the last 5 sigmas of the 8-step schedule.
  EXPECT_EQ(ksampler_sigmas(fake_schedule, "euler", 4, 0.5),
            (std::vector<double>{4.5, 3.5, 2.5, 1.5, 0.0}));
  // int(steps / denoise): 4 / 0.7 = 5.71 -> 5 steps.
  EXPECT_EQ(ksampler_sigmas(fake_schedule, "euler", 4, 0.7),
            (std::vector<double>{4.5, 3.5, 2.5, 1.5, 0.0}));
  EXPECT_TRUE(ksampler_sigmas(fake_schedule, "euler", 4, 0.0).empty());
}

TEST(KSamplerSigmas, DiscardsPenultimateForDpm2AndUniPc) {
  for (const char* name : {"dpm_2", "dpm_2_ancestral", "uni_pc", "uni_pc_bh2"})
    EXPECT_EQ(ksampler_sigmas(fake_schedule, name, 3, 1.0), (std::vector<double>{4.5, 3.5, 2.5, 0.0}))
        << name;
  EXPECT_EQ(ksampler_sigmas(fake_schedule, "dpm_2", 2, 0.5), (std::vector<double>{3.5, 2.5, 0.0}));
}

// With the real ComfyUI "normal" schedule, KSampler's sigmas are the ones ComfyUI handed to
// euler_ancestral in the comfyui_sd15 case (6 steps).
TEST(KSamplerSigmas, MatchesComfyUiCase) {
  const DiscreteSchedule ms = DiscreteSchedule::comfy();
  const ScheduleFn normal = [&](int n) {
    const std::vector<float> s = comfy_sigmas(ms, "normal", n);
    return std::vector<double>(s.begin(), s.end());
  };
  const std::vector<double> got = ksampler_sigmas(normal, "euler_ancestral", 6, 1.0);
  const std::vector<float> expect = test::comfy_ancestral().read_f32("sigmas");
  ASSERT_EQ(got.size(), expect.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(static_cast<float>(got[i]), expect[i]) << i;
  // The start sigma is the model's sigma_max: ComfyUI's max_denoise scaling applies.
  EXPECT_NEAR(got[0], ModelSampling{}.sigma_max, 1e-5 * got[0]);
}

TEST(KSamplerSigmas, AdvancedStepWindow) {
  const std::vector<double> s = fake_schedule(10);  // 11 values
  auto w = ksampler_step_window(s, 3, 7, true);
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, (std::vector<double>{7.5, 6.5, 5.5, 4.5, 0.0}));
  w = ksampler_step_window(s, 3, 7, false);  // return_with_leftover_noise
  EXPECT_EQ(*w, (std::vector<double>{7.5, 6.5, 5.5, 4.5, 3.5}));
  w = ksampler_step_window(s, 0, 10000, true);  // end beyond the schedule: unchanged
  EXPECT_EQ(*w, s);
  EXPECT_FALSE(ksampler_step_window(s, 10, 10000, true));  // nothing left to do
  EXPECT_EQ(*ksampler_step_window(s, std::nullopt, std::nullopt, false), s);
}

TEST(KSample, InitialNoiseScaling) {
  const std::vector<float> noise{1.f, -2.f}, latent{0.5f, 0.25f};
  ModelSampling eps;
  // ComfyUI at sigma_max: noise·sqrt(1 + sigma²); k-diffusion / below sigma_max: noise·sigma.
  auto x = initial_latent(eps, 2.0, true, noise, latent);
  EXPECT_FLOAT_EQ(x[0], static_cast<float>(std::sqrt(5.0)) + 0.5f);
  x = initial_latent(eps, 2.0, false, noise, latent);
  EXPECT_FLOAT_EQ(x[1], -4.f + 0.25f);
  ModelSampling flow{Prediction::Flow, 1.0, 0.0};
  x = initial_latent(flow, 0.75, true, noise, latent);
  EXPECT_FLOAT_EQ(x[0], 0.75f + 0.25f * 0.5f);
  EXPECT_FLOAT_EQ(x[1], -1.5f + 0.25f * 0.25f);
}

// A denoiser returning a constant: with euler to sigma 0 the result is that constant.
Denoiser constant(float c, std::vector<float>* first_x) {
  return [c, first_x](std::span<const float> x, double, std::span<float> out) {
    if (first_x && first_x->empty()) first_x->assign(x.begin(), x.end());
    std::fill(out.begin(), out.end(), c);
  };
}

TEST(KSample, Sd15LatentScalingAndImg2ImgStart) {
  const std::vector<float> noise{1.f, -1.f}, latent{2.f, 4.f};
  std::vector<float> first;
  KSampleRun run;
  run.sampler = "euler";
  run.sigmas = {3.0, 1.0, 0.0};  // below sigma_max: img2img (denoise < 1)
  run.latent = latent;
  run.noise = noise;
  run.ctx.denoiser = constant(0.5f, &first);
  const std::vector<float> out = ksample(run);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_FLOAT_EQ(first[0], 3.f + 2.f * 0.18215f);  // x = latent·0.18215 + noise·sigma0
  EXPECT_FLOAT_EQ(first[1], -3.f + 4.f * 0.18215f);
  EXPECT_FLOAT_EQ(out[0], 0.5f / 0.18215f);  // stored latent = sampled / 0.18215
}

TEST(KSample, TxtToImgAtSigmaMaxUsesComfyScaling) {
  const std::vector<float> noise{1.f};
  std::vector<float> first;
  KSampleRun run;
  run.sampler = "euler";
  run.sigmas = {14.614641, 0.0};
  run.noise = noise;
  run.ctx.denoiser = constant(0.f, &first);
  ksample(run);
  EXPECT_FLOAT_EQ(first[0], static_cast<float>(std::sqrt(1.0 + 14.614641 * 14.614641)));
  run.comfy_max_denoise = false;  // k-diffusion / sd15_tiny fixtures
  first.clear();
  ksample(run);
  EXPECT_FLOAT_EQ(first[0], 14.614641f);
}

TEST(KSample, FluxFormatAndFlowNoise) {
  const std::vector<float> noise{1.f, 2.f}, zeros{0.f, 0.f};
  std::vector<float> first;
  KSampleRun run;
  run.sampler = "euler";
  run.sigmas = {1.0, 0.5, 0.0};
  run.latent = zeros;  // EmptyLatentImage: not shifted into model space
  run.noise = noise;
  run.format = LatentFormat::flux();
  run.model = ModelSampling{Prediction::Flow, 1.0, 0.0};
  run.ctx.denoiser = constant(0.25f, &first);
  const std::vector<float> out = ksample(run);
  EXPECT_FLOAT_EQ(first[0], 1.f);
  EXPECT_FLOAT_EQ(first[1], 2.f);
  EXPECT_FLOAT_EQ(out[0], 0.25f / 0.3611f + 0.1159f);
}

TEST(KSample, NoStepsReturnsTheLatent) {
  const std::vector<float> noise{1.f}, latent{3.f};
  KSampleRun run;
  run.sampler = "euler";
  run.latent = latent;
  run.noise = noise;
  run.ctx.denoiser = constant(0.f, nullptr);
  EXPECT_EQ(ksample(run), latent);
  run.sampler = "nope";
  run.sigmas = {1.0, 0.0};
  EXPECT_THROW(ksample(run), Error);
}

TEST(Cfg, CombineAndBatching) {
  const std::vector<float> u{1.f, 2.f}, c{3.f, 0.f};
  std::vector<float> out(2);
  cfg_combine(u, c, 7.0, out);
  EXPECT_FLOAT_EQ(out[0], 1.f + 2.f * 7.f);
  EXPECT_FLOAT_EQ(out[1], 2.f - 2.f * 7.f);
  // The batched model sees [x, x] and returns [uncond, cond].
  int batched_calls = 0, cond_calls = 0;
  BatchedDenoiser batched = [&](std::span<const float> x2, double, std::span<float> out2) {
    ++batched_calls;
    ASSERT_EQ(x2.size(), 4u);
    EXPECT_EQ(x2[0], x2[2]);
    out2[0] = 1.f, out2[1] = 2.f, out2[2] = 3.f, out2[3] = 0.f;
  };
  Denoiser cond_only = [&](std::span<const float>, double, std::span<float> o) {
    ++cond_calls;
    std::fill(o.begin(), o.end(), 9.f);
  };
  const std::vector<float> x{0.5f, 0.5f};
  make_cfg_denoiser(batched, 7.0, cond_only)(x, 1.0, out);
  EXPECT_FLOAT_EQ(out[0], 15.f);
  make_cfg_denoiser(batched, 1.0, cond_only)(x, 1.0, out);  // ComfyUI skips uncond at cfg 1
  EXPECT_FLOAT_EQ(out[0], 9.f);
  EXPECT_EQ(batched_calls, 1);
  EXPECT_EQ(cond_calls, 1);
}

}  // namespace
}  // namespace vkflow::sampling
