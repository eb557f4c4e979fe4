// Second-order single-step samplers: Heun (Karras et al. 2022, Algorithm 2) and k-diffusion's
// DPM-Solver-2-inspired dpm_2 / dpm_2_ancestral(_RF) (midpoint taken in log sigma).
#include <cmath>

#include "runtime/sampling/samplers/samplers.hpp"

namespace vkflow::sampling::detail {

void sample_heun(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, d, x2, d2;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    to_d(x, den, sigmas[i], d);
    report(ctx, i, n, sigmas[i], x, den);
    const float dt = static_cast<float>(sigmas[i + 1] - sigmas[i]);
    if (sigmas[i + 1] == 0.0) {
      axpby(1.f, x, dt, d);
      continue;
    }
    x2 = x;
    axpby(1.f, x2, dt, d);
    denoise(ctx, x2, sigmas[i + 1], den);
    to_d(x2, den, sigmas[i + 1], d2);
    for (size_t k = 0; k < x.size(); ++k) x[k] = x[k] + (d[k] + d2[k]) / 2.f * dt;
  }
}

namespace {

// One DPM-Solver-2 step from sigma to sigma_to given d = to_d(x, sigma); x is updated in place.
void dpm2_step(const SamplerContext& ctx, double sigma, double sigma_to, const Buf& d, Buf& x,
               Buf& x2, Buf& den2, Buf& d2) {
  const double mid = std::exp(0.5 * (std::log(sigma) + std::log(sigma_to)));
  x2 = x;
  axpby(1.f, x2, static_cast<float>(mid - sigma), d);
  denoise(ctx, x2, mid, den2);
  to_d(x2, den2, mid, d2);
  axpby(1.f, x, static_cast<float>(sigma_to - sigma), d2);
}

}  // namespace

void sample_dpm_2(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, d, x2, den2, d2;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    to_d(x, den, sigmas[i], d);
    report(ctx, i, n, sigmas[i], x, den);
    if (sigmas[i + 1] == 0.0)
      axpby(1.f, x, static_cast<float>(sigmas[i + 1] - sigmas[i]), d);
    else
      dpm2_step(ctx, sigmas[i], sigmas[i + 1], d, x, x2, den2, d2);
  }
}

void sample_dpm_2_ancestral(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  const bool flow = ctx.prediction == Prediction::Flow;
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, d, x2, den2, d2, noise;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    double down, noise_scale, x_scale = 1.0;
    if (flow) {
      const FlowAncestral a = flow_ancestral_step(sigmas[i], sigmas[i + 1], ctx.eta);
      down = a.sigma_down, noise_scale = a.renoise, x_scale = a.alpha_ratio;
    } else {
      std::tie(down, noise_scale) = ancestral_step(sigmas[i], sigmas[i + 1], ctx.eta);
    }
    report(ctx, i, n, sigmas[i], x, den);
    to_d(x, den, sigmas[i], d);
    if (down == 0.0) {
      axpby(1.f, x, static_cast<float>(down - sigmas[i]), d);
      continue;
    }
    dpm2_step(ctx, sigmas[i], down, d, x, x2, den2, d2);
    draw_noise(ctx, sigmas[i], sigmas[i + 1], x.size(), noise);
    axpby(static_cast<float>(x_scale), x, static_cast<float>(ctx.s_noise * noise_scale), noise);
  }
}

}  // namespace vkflow::sampling::detail
