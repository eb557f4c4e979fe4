// Stochastic DPM-Solver++ samplers (k-diffusion / ComfyUI): dpmpp_sde (single-step, r = 1/2),
// dpmpp_2m_sde (midpoint or heun) and dpmpp_3m_sde. Written in half-log-SNR λ = log(alpha/sigma)
// so the same loop serves Eps (alpha = 1) and flow (alpha = 1 - sigma) models, as ComfyUI does.
#include <cmath>
#include <vector>

#include "runtime/sampling/samplers/samplers.hpp"

namespace vkflow::sampling::detail {

namespace {

// ComfyUI offset_first_sigma_for_snr: a flow model's λ is infinite at sigma 1.
std::vector<double> offset_first_sigma(const SamplerContext& ctx, Sigmas sigmas) {
  std::vector<double> s(sigmas.begin(), sigmas.end());
  if (ctx.prediction == Prediction::Flow && s.size() > 1 && s[0] >= 1.0) s[0] = ctx.flow_first_sigma;
  return s;
}

bool adds_noise(const SamplerContext& ctx) { return ctx.eta > 0 && ctx.s_noise > 0; }

}  // namespace

void sample_dpmpp_sde(const SamplerContext& ctx, Sigmas sigmas_in, Buf& x, double r) {
  if (sigmas_in.size() <= 1) return;
  const std::vector<double> sigmas = offset_first_sigma(ctx, sigmas_in);
  const Prediction p = ctx.prediction;
  const int n = static_cast<int>(sigmas.size()) - 1;
  const double fac = 1.0 / (2.0 * r);
  Buf den, x2, den2, mix(x.size()), noise;
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    report(ctx, i, n, sigmas[i], x, den);
    if (sigmas[i + 1] == 0.0) {
      x = den;
      continue;
    }
    const double ls = half_log_snr(sigmas[i], p), lt = half_log_snr(sigmas[i + 1], p);
    const double h = lt - ls, ls1 = ls + r * h;
    const double sigma_s1 = sigma_from_half_log_snr(ls1, p);
    const double alpha_s = sigmas[i] * std::exp(ls), alpha_s1 = sigma_s1 * std::exp(ls1);
    const double alpha_t = sigmas[i + 1] * std::exp(lt);
    // Step 1: to the intermediate λ with an ancestral split in the VE sigma exp(-λ).
    auto [sd, su] = ancestral_step(std::exp(-ls), std::exp(-ls1), ctx.eta);
    double h_ = -std::log(sd) - ls;
    x2 = x;
    axpby(static_cast<float>(alpha_s1 / alpha_s * std::exp(-h_)), x2,
          static_cast<float>(-alpha_s1 * std::expm1(-h_)), den);
    if (adds_noise(ctx)) {
      draw_noise(ctx, sigmas[i], sigma_s1, x.size(), noise);
      axpby(1.f, x2, static_cast<float>(alpha_s1 * ctx.s_noise * su), noise);
    }
    denoise(ctx, x2, sigma_s1, den2);
    // Step 2: the full step with the two denoised values mixed.
    std::tie(sd, su) = ancestral_step(std::exp(-ls), std::exp(-lt), ctx.eta);
    h_ = -std::log(sd) - ls;
    for (size_t k = 0; k < x.size(); ++k)
      mix[k] = static_cast<float>(1.0 - fac) * den[k] + static_cast<float>(fac) * den2[k];
    axpby(static_cast<float>(alpha_t / alpha_s * std::exp(-h_)), x,
          static_cast<float>(-alpha_t * std::expm1(-h_)), mix);
    if (adds_noise(ctx)) {
      draw_noise(ctx, sigmas[i], sigmas[i + 1], x.size(), noise);
      axpby(1.f, x, static_cast<float>(alpha_t * ctx.s_noise * su), noise);
    }
  }
}

namespace {

// Shared body of the 2M/3M SDE samplers: `max_order` 2 or 3.
void multistep_sde(const SamplerContext& ctx, Sigmas sigmas_in, Buf& x, int max_order,
                   SdeSolver solver) {
  if (sigmas_in.size() <= 1) return;
  const std::vector<double> sigmas = offset_first_sigma(ctx, sigmas_in);
  const Prediction p = ctx.prediction;
  const double eta = ctx.eta;
  const int n = static_cast<int>(sigmas.size()) - 1;
  Buf den, den1, den2, noise;
  double h = 0, h1 = 0, h2 = 0;
  int history = 0;  // how many previous denoised values are valid
  for (int i = 0; i < n; ++i) {
    denoise(ctx, x, sigmas[i], den);
    report(ctx, i, n, sigmas[i], x, den);
    if (sigmas[i + 1] == 0.0) {
      x = den;
    } else {
      const double ls = half_log_snr(sigmas[i], p), lt = half_log_snr(sigmas[i + 1], p);
      h = lt - ls;
      const double h_eta = h * (eta + 1.0);
      const double alpha_t = sigmas[i + 1] * std::exp(lt);
      const double one_m = -std::expm1(-h_eta);  // 1 - e^{-h_eta}
      axpby(static_cast<float>(sigmas[i + 1] / sigmas[i] * std::exp(-h * eta)), x,
            static_cast<float>(alpha_t * one_m), den);
      const double phi_2 = one_m / (-h_eta) + 1.0;  // ComfyUI: expm1(-h_eta)/h_eta + 1
      if (max_order == 3 && history >= 2) {
        const double r0 = h1 / h, r1 = h2 / h;
        const float c1 = static_cast<float>(alpha_t * phi_2);
        const float c2 = static_cast<float>(alpha_t * (phi_2 / h_eta - 0.5));
        for (size_t k = 0; k < x.size(); ++k) {
          const double d1_0 = (den[k] - den1[k]) / r0, d1_1 = (den1[k] - den2[k]) / r1;
          const double d1 = d1_0 + (d1_0 - d1_1) * r0 / (r0 + r1), d2 = (d1_0 - d1_1) / (r0 + r1);
          x[k] = x[k] + c1 * static_cast<float>(d1) - c2 * static_cast<float>(d2);
        }
      } else if (history >= 1) {
        const double r = h1 / h;
        double c;
        if (max_order == 3 || solver == SdeSolver::Heun)
          c = alpha_t * phi_2 / r;
        else
          c = 0.5 * alpha_t * one_m / r;
        const float cf = static_cast<float>(c);
        for (size_t k = 0; k < x.size(); ++k) x[k] += cf * (den[k] - den1[k]);
      }
      if (eta > 0 && ctx.s_noise > 0) {
        draw_noise(ctx, sigmas[i], sigmas[i + 1], x.size(), noise);
        const double amp = sigmas[i + 1] * std::sqrt(-std::expm1(-2.0 * h * eta)) * ctx.s_noise;
        axpby(1.f, x, static_cast<float>(amp), noise);
      }
    }
    den2.swap(den1);
    den1.swap(den);  // den1 = this step's denoised, den2 = the previous one
    h2 = h1;
    h1 = h;
    ++history;
  }
}

}  // namespace

void sample_dpmpp_2m_sde(const SamplerContext& ctx, Sigmas sigmas, Buf& x, SdeSolver solver) {
  multistep_sde(ctx, sigmas, x, 2, solver);
}

void sample_dpmpp_3m_sde(const SamplerContext& ctx, Sigmas sigmas, Buf& x) {
  multistep_sde(ctx, sigmas, x, 3, SdeSolver::Heun);
}

}  // namespace vkflow::sampling::detail
