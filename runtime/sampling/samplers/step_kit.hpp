#pragma once
// Shared pieces of the sampler loops: buffers, model calls, callbacks and the scalar formulas
// (ancestral step split, half-log-SNR) that several k-diffusion samplers reuse.
#include <cmath>
#include <span>
#include <utility>
#include <vector>

#include "runtime/sampling/sampler.hpp"

namespace vkflow::sampling::detail {

using Buf = std::vector<float>;

// Calls the denoiser into `out` (resized to x's size).
void denoise(const SamplerContext& ctx, std::span<const float> x, double sigma, Buf& out);
// Invokes ctx.on_step; throws Cancelled when it returns false.
void report(const SamplerContext& ctx, int step, int total, double sigma, const Buf& x,
            const Buf& denoised);
// Draws the noise for sigma -> sigma_next into `out`; throws Error when ctx.noise is empty.
void draw_noise(const SamplerContext& ctx, double sigma, double sigma_next, size_t n, Buf& out);

// k-diffusion get_ancestral_step: (sigma_down, sigma_up) with sigma_down² + sigma_up² = to².
std::pair<double, double> ancestral_step(double from, double to, double eta);

// ComfyUI's flow (CONST) ancestral split: x_next = (alpha_ip1/alpha_down)·x_down + renoise·noise.
struct FlowAncestral {
  double sigma_down, alpha_ratio, renoise;
};
FlowAncestral flow_ancestral_step(double sigma, double sigma_next, double eta);

// Half log-SNR λ = log(alpha/sigma) and its inverse, for Eps (alpha = 1) or flow (alpha = 1-σ).
double half_log_snr(double sigma, Prediction p);
double sigma_from_half_log_snr(double lambda, Prediction p);

// x[i] = a·x[i] + b·y[i]
inline void axpby(float a, Buf& x, float b, std::span<const float> y) {
  for (size_t i = 0; i < x.size(); ++i) x[i] = a * x[i] + b * y[i];
}
// d = (x - denoised) / sigma  (k-diffusion to_d)
inline void to_d(const Buf& x, const Buf& denoised, double sigma, Buf& d) {
  d.resize(x.size());
  const float s = static_cast<float>(sigma);
  for (size_t i = 0; i < x.size(); ++i) d[i] = (x[i] - denoised[i]) / s;
}

}  // namespace vkflow::sampling::detail
