// DPM-Solver++ (Lu et al. 2022) deterministic multistep 2M and ancestral single-step 2S, as
// k-diffusion's sample_dpmpp_2m / sample_dpmpp_2s_ancestral(_RF). Time variable t = -log sigma.
#include <cmath>

#include "runtime/sampling/samplers/samplers.hpp"

namespace vkflow::sampling::detail {

void sample_dpmpp_2m(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  const int n = static_cast<int>(sigmas.size()) - 1;
  auto t_of = [](double s) { return -std::log(s); };
  Buf den, old, mix(x.size());
  bool have_old = false;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    report(ctx, i, n, sigmas[i], x, den);
    const double t = t_of(sigmas[i]), h = t_of(sigmas[i + 1]) - t;  // h = +inf when sigma_next = 0
    const float a = static_cast<float>(sigmas[i + 1] / sigmas[i]);
    const float c = static_cast<float>(-std::expm1(-h));
    if (!have_old || sigmas[i + 1] == 0.0) {
      axpby(a, x, c, den);
    } else {
      const double r = (t - t_of(sigmas[i - 1])) / h;
      const float w_new = static_cast<float>(1.0 + 1.0 / (2.0 * r));
      const float w_old = static_cast<float>(1.0 / (2.0 * r));
      for (size_t k = 0; k < x.size(); ++k) mix[k] = w_new * den[k] - w_old * old[k];
      axpby(a, x, c, mix);
    }
    old.swap(den);
    have_old = true;
  }
}

namespace {

void dpmpp_2s_ancestral_flow(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  const int n = static_cast<int>(sigmas.size()) - 1;
  auto lambda = [](double s) { return std::log((1.0 - s) / s); };
  Buf den, d, u, den2, noise;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    const FlowAncestral a = flow_ancestral_step(sigmas[i], sigmas[i + 1], ctx.eta);
    report(ctx, i, n, sigmas[i], x, den);
    if (sigmas[i + 1] == 0.0) {
      to_d(x, den, sigmas[i], d);
      axpby(1.f, x, static_cast<float>(a.sigma_down - sigmas[i]), d);
    } else {
      double sigma_s = 0.9999;
      if (sigmas[i] != 1.0) {
        const double ti = lambda(sigmas[i]), h = lambda(a.sigma_down) - ti;
        sigma_s = 1.0 / (std::exp(ti + 0.5 * h) + 1.0);
      }
      const double rs = sigma_s / sigmas[i];
      u = x;
      axpby(static_cast<float>(rs), u, static_cast<float>(1.0 - rs), den);
      denoise(ctx, u, sigma_s, den2);
      const double rd = a.sigma_down / sigmas[i];
      axpby(static_cast<float>(rd), x, static_cast<float>(1.0 - rd), den2);
    }
    if (sigmas[i + 1] > 0 && ctx.eta > 0) {
      draw_noise(ctx, sigmas[i], sigmas[i + 1], x.size(), noise);
      axpby(static_cast<float>(a.alpha_ratio), x, static_cast<float>(ctx.s_noise * a.renoise), noise);
    }
  }
}

}  // namespace

void sample_dpmpp_2s_ancestral(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  if (ctx.prediction == Prediction::Flow) return dpmpp_2s_ancestral_flow(ctx, sigmas, x);
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, d, x2, den2, noise;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    const auto [down, up] = ancestral_step(sigmas[i], sigmas[i + 1], ctx.eta);
    report(ctx, i, n, sigmas[i], x, den);
    if (down == 0.0) {
      to_d(x, den, sigmas[i], d);
      axpby(1.f, x, static_cast<float>(down - sigmas[i]), d);
    } else {
      const double t = -std::log(sigmas[i]), h = -std::log(down) - t, s = t + 0.5 * h;
      x2 = x;
      axpby(static_cast<float>(std::exp(-s) / sigmas[i]), x2,
            static_cast<float>(-std::expm1(-0.5 * h)), den);
      denoise(ctx, x2, std::exp(-s), den2);
      axpby(static_cast<float>(down / sigmas[i]), x, static_cast<float>(-std::expm1(-h)), den2);
    }
    if (sigmas[i + 1] > 0) {
      draw_noise(ctx, sigmas[i], sigmas[i + 1], x.size(), noise);
      axpby(1.f, x, static_cast<float>(ctx.s_noise * up), noise);
    }
  }
}

}  // namespace vkflow::sampling::detail
