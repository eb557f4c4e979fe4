#include "runtime/sampling/samplers/step_kit.hpp"

#include <algorithm>

namespace vkflow::sampling::detail {

void denoise(const SamplerContext& ctx, std::span<const float> x, double sigma, Buf& out) {
  if (!ctx.denoiser) throw Error("sampler: no denoiser given");
  out.resize(x.size());
  ctx.denoiser(x, sigma, out);
}

void report(const SamplerContext& ctx, int step, int total, double sigma, const Buf& x,
            const Buf& denoised) {
  if (!ctx.on_step) return;
  if (!ctx.on_step(StepInfo{step, total, sigma, x, denoised})) throw Cancelled();
}

void draw_noise(const SamplerContext& ctx, double sigma, double sigma_next, size_t n, Buf& out) {
  out.resize(n);
  if (!ctx.noise) throw Error("sampler: this sampler needs a noise source and none was given");
  ctx.noise(sigma, sigma_next, out);
}

std::pair<double, double> ancestral_step(double from, double to, double eta) {
  if (eta == 0.0) return {to, 0.0};
  const double up = std::min(to, eta * std::sqrt(to * to * (from * from - to * to) / (from * from)));
  return {std::sqrt(to * to - up * up), up};
}

FlowAncestral flow_ancestral_step(double sigma, double sigma_next, double eta) {
  const double ratio = 1.0 + (sigma_next / sigma - 1.0) * eta;
  const double down = sigma_next * ratio;
  const double alpha_next = 1.0 - sigma_next, alpha_down = 1.0 - down;
  const double renoise =
      std::sqrt(std::max(0.0, sigma_next * sigma_next -
                                  down * down * alpha_next * alpha_next / (alpha_down * alpha_down)));
  return {down, alpha_next / alpha_down, renoise};
}

double half_log_snr(double sigma, Prediction p) {
  return p == Prediction::Flow ? std::log((1.0 - sigma) / sigma) : -std::log(sigma);
}

double sigma_from_half_log_snr(double lambda, Prediction p) {
  return p == Prediction::Flow ? 1.0 / (1.0 + std::exp(lambda)) : std::exp(-lambda);
}

}  // namespace vkflow::sampling::detail
