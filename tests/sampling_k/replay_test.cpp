// Replays the sd15_tiny k-diffusion runs: the denoiser returns the recorded CFG-combined denoised
// value of each step (after checking it was handed the recorded latent), and the sampler must
// reproduce every recorded step latent and the final latent.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/noise_sampler.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "runtime/sampling/sampler.hpp"
#include "tests/sampling_k/fixture_data.hpp"

namespace vkflow::sampling {
namespace {

using test::max_abs;
using test::max_abs_diff;

struct Replay {
  std::string run, sampler;
};

class ReplayTest : public ::testing::TestWithParam<Replay> {};

TEST_P(ReplayTest, ReproducesRecordedSteps) {
  const auto& f = test::sd15_runs();
  const std::string r = GetParam().run;
  const std::vector<double> sigmas = test::as_double(f.read_f32(r + "_sigmas"));
  const std::vector<float> noise = f.read_f32(r + "_noise");
  const auto latents = test::slices(f, r + "_step_latents");
  const auto denoised = test::slices(f, r + "_step_denoised");
  const std::vector<float> final_latent = f.read_f32(r + "_final_latent");
  // case.json allows 1e-3·max|x|; the replay agrees to a few float32 ulps, so hold it to 1e-5.
  const float tol = 1e-5f * std::max(1.f, max_abs(final_latent));

  std::vector<float> x(noise.size());
  for (size_t i = 0; i < x.size(); ++i) x[i] = noise[i] * static_cast<float>(sigmas[0]);
  const std::vector<float> x_init = x;

  int calls = 0;
  SamplerContext ctx;
  ctx.denoiser = [&](std::span<const float> xin, double sigma, std::span<float> out) {
    ASSERT_LT(calls, static_cast<int>(denoised.size()));
    EXPECT_NEAR(sigma, sigmas[calls], 1e-6 * sigmas[calls]);
    const std::vector<float>& expect = calls == 0 ? x_init : latents[calls - 1];
    const std::vector<float> got(xin.begin(), xin.end());
    EXPECT_LE(max_abs_diff(got, expect), tol) << "input of step " << calls;
    std::copy(denoised[calls].begin(), denoised[calls].end(), out.begin());
    ++calls;
  };
  if (f.find(r + "_ancestral_noise")) ctx.noise = replay_noise(test::slices(f, r + "_ancestral_noise"));
  int reported = 0;
  ctx.on_step = [&](const StepInfo& s) {
    EXPECT_EQ(s.step, reported++);
    EXPECT_EQ(s.total, static_cast<int>(sigmas.size()) - 1);
    return true;
  };
  sample(GetParam().sampler, ctx, sigmas, x);
  EXPECT_EQ(calls, static_cast<int>(denoised.size()));
  EXPECT_EQ(reported, static_cast<int>(denoised.size()));
  EXPECT_LE(max_abs_diff(x, final_latent), tol);
  EXPECT_LE(max_abs_diff(x, latents.back()), tol);
}

INSTANTIATE_TEST_SUITE_P(Sd15Tiny, ReplayTest,
                         ::testing::Values(Replay{"euler_normal", "euler"},
                                           Replay{"euler_ancestral_normal", "euler_ancestral"},
                                           Replay{"dpmpp_2m_normal", "dpmpp_2m"},
                                           Replay{"dpmpp_2m_karras", "dpmpp_2m"}),
                         [](const auto& info) { return info.param.run; });

// The whole KSampler path for the fixtures' euler_ancestral run: initial noise and ancestral noise
// from the torch generator (seed_noise 2235, the fixtures' continue-the-generator convention),
// k-diffusion's x = noise·sigma0, then ÷0.18215 into a stored latent.
TEST(Replay, KSampleWithTorchNoiseReproducesAncestralRun) {
  const auto& f = test::sd15_runs();
  const std::string r = "euler_ancestral_normal";
  const auto denoised = test::slices(f, r + "_step_denoised");
  const std::vector<float> final_latent = f.read_f32(r + "_final_latent");
  const InitialNoise init = initial_noise(2235, final_latent.size());
  EXPECT_EQ(init.noise, f.read_f32(r + "_noise"));  // bit-exact torch.randn
  KSampleRun run;
  run.sampler = "euler_ancestral";
  run.sigmas = test::as_double(f.read_f32(r + "_sigmas"));
  run.noise = init.noise;
  run.comfy_max_denoise = false;
  run.ctx.noise = make_noise_sampler(run.sampler, torch_noise_request(2235, NoiseConvention::ContinueInitial, init),
                                     init.noise.size(), run.sigmas);
  int step = 0;
  run.ctx.denoiser = [&](std::span<const float>, double, std::span<float> out) {
    std::copy(denoised.at(step).begin(), denoised.at(step).end(), out.begin());
    ++step;
  };
  const std::vector<float> stored = ksample(run);
  float worst = 0;
  for (size_t i = 0; i < stored.size(); ++i)
    worst = std::max(worst, std::fabs(stored[i] * 0.18215f - final_latent[i]));
  EXPECT_LE(worst, 1e-5f * max_abs(final_latent));
}

TEST(Replay, AncestralWithoutNoiseSourceIsAnError) {
  SamplerContext ctx;
  ctx.denoiser = [](std::span<const float> x, double, std::span<float> out) {
    std::copy(x.begin(), x.end(), out.begin());
  };
  std::vector<float> x(4, 1.f);
  const std::vector<double> sigmas{2.0, 1.0, 0.0};
  EXPECT_THROW(sample("euler_ancestral", ctx, sigmas, x), Error);
  EXPECT_THROW(sample("no_such_sampler", ctx, sigmas, x), Error);
  const std::vector<double> rising{1.0, 2.0, 0.0}, early_zero{1.0, 0.0, 0.0};
  EXPECT_THROW(sample("euler", ctx, rising, x), Error);
  EXPECT_THROW(sample("euler", ctx, early_zero, x), Error);
}

TEST(Replay, CallbackCancels) {
  SamplerContext ctx;
  ctx.denoiser = [](std::span<const float> x, double, std::span<float> out) {
    std::copy(x.begin(), x.end(), out.begin());
  };
  ctx.on_step = [](const StepInfo& s) { return s.step < 1; };
  std::vector<float> x(4, 1.f);
  const std::vector<double> sigmas{3.0, 2.0, 1.0, 0.0};
  EXPECT_THROW(sample("euler", ctx, sigmas, x), Cancelled);
}

}  // namespace
}  // namespace vkflow::sampling
