// Replays flux_tiny's FluxPipeline run (FlowMatchEulerDiscreteScheduler, schnell settings) through
// the flow path: the denoiser turns the recorded velocity into x0 = x - sigma·v and ComfyUI's
// euler must reproduce every recorded step latent x + (sigma_next - sigma)·v.
#include <gtest/gtest.h>

#include "runtime/sampling/model_output.hpp"
#include "runtime/sampling/sampler.hpp"
#include "tests/sampling_k/fixture_data.hpp"

namespace vkflow::sampling {
namespace {

TEST(FluxReplay, EulerOnVelocityReproducesFluxPipeline) {
  const auto f = formats::SafetensorsFile::open(test::data_dir() / "samplers" / "flux_tiny_run.safetensors");
  const std::vector<double> sigmas = test::as_double(f.read_f32("run_sigmas"));
  std::vector<float> x = f.read_f32("run_latents_packed_init");
  const auto velocity = test::slices(f, "run_step_velocity");
  const auto latents = test::slices(f, "run_step_latents");
  const float tol = 1e-5f * std::max(1.f, test::max_abs(latents.back()));  // case.json: 1e-3
  int step = 0;
  SamplerContext ctx;
  ctx.prediction = Prediction::Flow;
  ctx.denoiser = [&](std::span<const float> xin, double sigma, std::span<float> out) {
    ASSERT_LT(step, static_cast<int>(velocity.size()));
    if (step > 0) {
      EXPECT_LE(test::max_abs_diff({xin.begin(), xin.end()}, latents[step - 1]), tol) << "step " << step;
    }
    EXPECT_DOUBLE_EQ(model_input_scale(Prediction::Flow, sigma), 1.0);
    denoised_from_output(xin, velocity[step], sigma, out);
    ++step;
  };
  sample("euler", ctx, sigmas, x);
  EXPECT_EQ(step, 4);
  EXPECT_LE(test::max_abs_diff(x, latents.back()), tol);
}

}  // namespace
}  // namespace vkflow::sampling
