// ComfyUI 0.3.64's noise conventions against what ComfyUI itself recorded
// (comfyui_sd15/euler_ancestral_normal: seed 7, 6 steps, 5 ancestral draws).
#include <gtest/gtest.h>

#include <cstring>

#include "runtime/sampling/sampler.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "tests/sampling_k/fixture_data.hpp"

namespace vkflow::sampling {
namespace {

bool bit_equal(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

uint64_t case_seed() { return std::stoull(test::comfy_ancestral().metadata().at("seed").get<std::string>()); }

TEST(ComfyNoise, InitialNoiseIsTorchRandnOfTheSeed) {
  const std::vector<float> noise = test::comfy_ancestral().read_f32("noise");
  const InitialNoise init = initial_noise(case_seed(), noise.size());
  EXPECT_TRUE(bit_equal(init.noise, noise));
}

TEST(ComfyNoise, AncestralDrawsMatchComfyUiBitExactly) {
  const auto& f = test::comfy_ancestral();
  const std::vector<float> noise = f.read_f32("noise");
  const auto recorded = test::slices(f, "ancestral_noise");
  const std::vector<double> sigmas = test::as_double(f.read_f32("sigmas"));
  const InitialNoise init = initial_noise(case_seed(), noise.size());

  // Run the real sampler loop so the number and order of draws is what euler_ancestral does.
  const NoiseRequest req = torch_noise_request(case_seed(), NoiseConvention::ComfyFresh, init);
  NoiseSampler inner = make_noise_sampler("euler_ancestral", req, noise.size(), sigmas);
  std::vector<std::vector<float>> drawn;
  SamplerContext ctx;
  ctx.noise = [&](double s, double sn, std::span<float> out) {
    inner(s, sn, out);
    drawn.emplace_back(out.begin(), out.end());
  };
  ctx.denoiser = [](std::span<const float> x, double, std::span<float> out) {
    for (size_t i = 0; i < x.size(); ++i) out[i] = 0.5f * x[i];
  };
  std::vector<float> x = noise;
  sample("euler_ancestral", ctx, sigmas, x);
  ASSERT_EQ(drawn.size(), recorded.size());
  for (size_t k = 0; k < drawn.size(); ++k) EXPECT_TRUE(bit_equal(drawn[k], recorded[k])) << "draw " << k;
  EXPECT_TRUE(bit_equal(drawn[0], noise));  // fresh generator, same seed: first draw = noise
}

// The sd15_tiny fixtures record their ancestral noise as the continuation of the initial generator.
TEST(ComfyNoise, FixtureConventionMatchesSd15TinyDraws) {
  const auto& f = test::sd15_runs();
  const auto recorded = test::slices(f, "euler_ancestral_normal_ancestral_noise");
  const InitialNoise init = initial_noise(2235, recorded[0].size());  // case.json seed_noise
  const std::vector<double> sigmas = test::as_double(f.read_f32("euler_ancestral_normal_sigmas"));
  NoiseSampler ns = make_noise_sampler(
      "euler_ancestral", torch_noise_request(2235, NoiseConvention::ContinueInitial, init), init.noise.size(), sigmas);
  for (size_t k = 0; k < recorded.size(); ++k) {
    std::vector<float> d(init.noise.size());
    ns(sigmas[k], sigmas[k + 1], d);
    EXPECT_TRUE(bit_equal(d, recorded[k])) << "draw " << k;
  }
}

TEST(ComfyNoise, OtherConventionsDiffer) {
  const std::vector<float> noise = test::comfy_ancestral().read_f32("noise");
  const InitialNoise init = initial_noise(case_seed(), noise.size());
  const std::vector<double> sigmas{14.6, 1.0, 0.0};
  std::vector<float> a(noise.size()), b(noise.size());
  // Fixtures' convention: the continuation of the initial generator = the draw after `noise`.
  make_noise_sampler("euler_ancestral",
                     torch_noise_request(case_seed(), NoiseConvention::ContinueInitial, init),
                     noise.size(), sigmas)(14.6, 1.0, a);
  TorchGenerator g(case_seed());
  std::vector<float> two = g.randn(2 * noise.size());
  EXPECT_TRUE(bit_equal(a, std::span<const float>(two).subspan(noise.size())));
  // Later ComfyUI on the CPU: seed + 1.
  make_noise_sampler("euler_ancestral",
                     torch_noise_request(case_seed(), NoiseConvention::ComfyFreshPlusOne, init),
                     noise.size(), sigmas)(14.6, 1.0, b);
  EXPECT_TRUE(bit_equal(b, TorchGenerator(case_seed() + 1).randn(noise.size())));
  // Deterministic samplers get no noise sampler.
  EXPECT_FALSE(make_noise_sampler("euler", torch_noise_request(1, NoiseConvention::ComfyFresh, init),
                                  noise.size(), sigmas));
}

}  // namespace
}  // namespace vkflow::sampling
