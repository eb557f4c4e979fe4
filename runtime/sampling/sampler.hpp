#pragma once
// Diffusion samplers under ComfyUI's names, independent of any model. A sampler integrates a
// latent x (float32 host buffer, any shape: SD1.5 [B,4,H/8,W/8], FLUX [B,16,H/8,W/8] or packed)
// from sigmas[0] down to sigmas.back() through a denoiser callback D(x, sigma) ≈ x0.
// Conventions follow k-diffusion as ComfyUI uses it: x = x0 + sigma·noise for Eps models
// (k-diffusion "VE" form) and x = (1-sigma)·x0 + sigma·noise for flow models (ComfyUI CONST).
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/core/error.hpp"

namespace vkflow::sampling {

// How the model's sigma relates to the noisy latent. ComfyUI's ancestral and SDE samplers take a
// different branch for flow models (the *_RF variants and half-log-SNR forms).
enum class Prediction { Eps, Flow };

// Writes D(x, sigma), the model's estimate of the clean latent (CFG already applied), into `out`.
// x and out have the latent's element count. The pipeline implements it with the UNet/transformer.
using Denoiser = std::function<void(std::span<const float> x, double sigma, std::span<float> out)>;

// Writes unit-variance Gaussian noise for the step sigma -> sigma_next into `out` (ancestral and
// SDE samplers). See noise_sampler.hpp for ComfyUI's and the fixtures' conventions.
using NoiseSampler = std::function<void(double sigma, double sigma_next, std::span<float> out)>;

struct StepInfo {
  int step = 0;    // 0-based
  int total = 0;   // number of steps (sigmas.size() - 1)
  double sigma = 0;
  std::span<const float> x;         // latent at the start of the step
  std::span<const float> denoised;  // D(x, sigma)
};
// Called once per step after the first model evaluation; return false to cancel.
using StepCallback = std::function<bool(const StepInfo&)>;

// Thrown when a StepCallback asks to stop.
struct Cancelled : Error {
  Cancelled() : Error("sampling cancelled") {}
};

struct SamplerContext {
  Denoiser denoiser;
  NoiseSampler noise;  // required by ancestral/SDE samplers (throws Error when missing)
  StepCallback on_step;
  Prediction prediction = Prediction::Eps;
  double eta = 1.0;      // ancestral/SDE noise amount (ComfyUI default 1)
  double s_noise = 1.0;  // noise multiplier (ComfyUI default 1)
  // For flow models ComfyUI's SDE samplers replace a first sigma >= 1 by
  // model_sampling.percent_to_sigma(1e-4); 0.9999 is that value for shift-1 flow models (schnell).
  double flow_first_sigma = 0.9999;
};

// Runs sampler `name` (ComfyUI spelling) in place on x. sigmas must be non-increasing and end
// at the final noise level (usually 0). Throws Error for an unknown name.
void sample(std::string_view name, const SamplerContext& ctx, std::span<const double> sigmas,
            std::vector<float>& x);

// The names sample() accepts, in ComfyUI's KSampler list order.
const std::vector<std::string>& sampler_names();
bool is_sampler(std::string_view name);
// Samplers that draw noise (need ctx.noise).
bool sampler_uses_noise(std::string_view name);
// ComfyUI computes steps+1 sigmas for these and drops the penultimate one.
bool sampler_discards_penultimate_sigma(std::string_view name);

}  // namespace vkflow::sampling
