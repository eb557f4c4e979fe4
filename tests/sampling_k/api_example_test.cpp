// The KSampler node's call sequence (runtime/sampling/README.md) with a stand-in model, run for
// every registered sampler name: a smoke test of the public API end to end.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/sampling/cfg.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "tests/sampling_k/gaussian_toy.hpp"

namespace vkflow::sampling {
namespace {

TEST(ApiExample, EverySamplerRunsThroughKSample) {
  const uint64_t seed = 156680208700286ull;
  const size_t numel = 4 * 16 * 16;
  // Stand-in "UNet" batch [uncond, cond]: exact denoisers of two Gaussians (means 0 and 0.1);
  // CFG 7 pulls the result towards 0 + 7·0.1 = 0.7 in model space.
  test::GaussianToy uncond{0.0, 0.5}, cond{0.1, 0.5};
  BatchedDenoiser unet = [&](std::span<const float> x2, double sigma, std::span<float> out2) {
    const size_t n = x2.size() / 2;
    uncond.denoiser()(x2.first(n), sigma, out2.first(n));
    cond.denoiser()(x2.subspan(n), sigma, out2.subspan(n));
  };
  const DiscreteSchedule ms = DiscreteSchedule::comfy();
  const ScheduleFn karras_fn = [&](int n) {
    const std::vector<float> s = comfy_sigmas(ms, "karras", n);
    return std::vector<double>(s.begin(), s.end());
  };
  for (const std::string& sampler : sampler_names()) {
    SCOPED_TRACE(sampler);
    const std::vector<double> sigmas = ksampler_sigmas(karras_fn, sampler, 12, 1.0);
    const InitialNoise init = initial_noise(seed, numel);
    KSampleRun run{.sampler = sampler, .sigmas = sigmas, .latent = {}, .noise = init.noise,
                   .format = LatentFormat::sd15(), .model = ModelSampling{}};
    run.ctx.denoiser = make_cfg_denoiser(unet, 7.0);
    run.ctx.noise = make_noise_sampler(sampler, torch_noise_request(seed, NoiseConvention::ComfyFresh, init),
                                       numel, sigmas);
    int steps = 0;
    run.ctx.on_step = [&](const StepInfo& s) {
      EXPECT_EQ(s.total, 12);
      ++steps;
      return true;
    };
    const std::vector<float> stored = ksample(run);
    EXPECT_EQ(steps, 12);
    ASSERT_EQ(stored.size(), numel);
    double mean = 0;
    for (float v : stored) {
      ASSERT_TRUE(std::isfinite(v));
      mean += v * 0.18215;
    }
    EXPECT_NEAR(mean / numel, 0.7, 0.15);
  }
}

}  // namespace
}  // namespace vkflow::sampling
