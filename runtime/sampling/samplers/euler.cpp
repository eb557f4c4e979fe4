// Euler (Karras et al. 2022, Algorithm 2 without churn) and Euler ancestral, as k-diffusion's
// sample_euler / sample_euler_ancestral(_RF). ComfyUI's "ddim" is this euler (see registry).
#include "runtime/sampling/samplers/samplers.hpp"

namespace vkflow::sampling::detail {

void sample_euler(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, d;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    report(ctx, i, n, sigmas[i], x, den);
    to_d(x, den, sigmas[i], d);
    axpby(1.f, x, static_cast<float>(sigmas[i + 1] - sigmas[i]), d);
  }
}

namespace {

// ComfyUI's sample_euler_ancestral_RF: step to sigma_down along the flow line, then re-noise.
void euler_ancestral_flow(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, noise;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    report(ctx, i, n, sigmas[i], x, den);
    if (sigmas[i + 1] == 0.0) {
      x = den;
      continue;
    }
    const FlowAncestral a = flow_ancestral_step(sigmas[i], sigmas[i + 1], ctx.eta);
    const double r = a.sigma_down / sigmas[i];
    axpby(static_cast<float>(r), x, static_cast<float>(1.0 - r), den);
    if (ctx.eta > 0) {
      draw_noise(ctx, sigmas[i], sigmas[i + 1], x.size(), noise);
      axpby(static_cast<float>(a.alpha_ratio), x, static_cast<float>(ctx.s_noise * a.renoise), noise);
    }
  }
}

}  // namespace

void sample_euler_ancestral(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  if (ctx.prediction == Prediction::Flow) return euler_ancestral_flow(ctx, sigmas, x);
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, d, noise;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    const auto [down, up] = ancestral_step(sigmas[i], sigmas[i + 1], ctx.eta);
    report(ctx, i, n, sigmas[i], x, den);
    if (down == 0.0) {
      x = den;
      continue;
    }
    to_d(x, den, sigmas[i], d);
    axpby(1.f, x, static_cast<float>(down - sigmas[i]), d);
    draw_noise(ctx, sigmas[i], sigmas[i + 1], x.size(), noise);
    axpby(1.f, x, static_cast<float>(ctx.s_noise * up), noise);
  }
}

}  // namespace vkflow::sampling::detail
