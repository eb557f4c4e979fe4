#pragma once
// What ComfyUI's KSampler / KSamplerAdvanced do around a sampler: choose the sigmas (denoise,
// start/end steps, discarding the penultimate sigma for dpm_2/uni_pc), move the stored latent
// into model space, add the initial noise, run the sampler and move the result back.
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/sampling/latent_format.hpp"
#include "runtime/sampling/sampler.hpp"

namespace vkflow::sampling {

// The model's sampling type as ComfyUI's model_sampling describes it.
struct ModelSampling {
  Prediction prediction = Prediction::Eps;
  double sigma_max = 14.614641;  // SD1.5 (ModelSamplingDiscrete, linear betas)
  double sigma_min = 0.0291672;
  double flow_first_sigma = 0.9999;  // percent_to_sigma(1e-4) for flow models (see sampler.hpp)
};

// A scheduler: `steps` -> steps + 1 sigmas ending in 0 (normal, karras, ... from schedules*).
using ScheduleFn = std::function<std::vector<double>(int steps)>;

// KSampler.set_steps: the full schedule for denoise >= 0.9999, otherwise the last steps + 1
// sigmas of the schedule for int(steps / denoise) steps; empty when denoise <= 0.
std::vector<double> ksampler_sigmas(const ScheduleFn& schedule, std::string_view sampler_name,
                                    int steps, double denoise);

// KSampler.sample's step window (KSamplerAdvanced start_at_step / end_at_step): cut after
// last_step (setting the last sigma to 0 when force_full_denoise), then start at start_step.
// Returns nullopt when start_step leaves no step: ComfyUI then returns the latent unchanged.
std::optional<std::vector<double>> ksampler_step_window(std::vector<double> sigmas,
                                                        std::optional<int> start_step,
                                                        std::optional<int> last_step,
                                                        bool force_full_denoise);

struct KSampleRun {
  std::string sampler;              // ComfyUI name
  std::vector<double> sigmas;       // from ksampler_sigmas + ksampler_step_window
  std::span<const float> latent;    // stored (unscaled) latent; empty = zeros (EmptyLatentImage)
  std::span<const float> noise;     // initial unit noise (zeros when add_noise is disabled)
  LatentFormat format;
  ModelSampling model;
  SamplerContext ctx;               // denoiser (with CFG), noise sampler, step callback; the
                                    // prediction and flow_first_sigma are taken from `model`
  // k-diffusion scales the first noise by sigma0; ComfyUI by sqrt(1 + sigma0²) when sigma0 is
  // the model's sigma_max (max_denoise). true = ComfyUI.
  bool comfy_max_denoise = true;
};

// The KSampler output latent, stored (unscaled) like ComfyUI's LATENT["samples"].
std::vector<float> ksample(const KSampleRun& run);

// ComfyUI noise_scaling: the sampler's starting x from the model-space latent and unit noise.
std::vector<float> initial_latent(const ModelSampling& m, double sigma0, bool max_denoise,
                                  std::span<const float> noise, std::span<const float> latent);

}  // namespace vkflow::sampling
