#pragma once
// Flow-matching (rectified flow) sigma schedules for FLUX: sigma in [0, 1], timestep = 1000 sigma.
#include <cstdint>
#include <optional>
#include <vector>

namespace vkflow::sampling {

struct FlowSchedule {
  std::vector<float> sigmas;     // steps + 1, last 0
  std::vector<float> timesteps;  // steps: sigma * 1000 (what diffusers feeds the transformer)
};

// diffusers FluxPipeline + FlowMatchEulerDiscreteScheduler: sigmas = linspace(1, 1/n, n)
// (float64, then float32), shifted by `shift` (schnell: 1, no effect) or, when `mu` is given
// (use_dynamic_shifting, FLUX.1-dev), by exp(mu) / (exp(mu) + (1/s - 1)).
FlowSchedule diffusers_flux_schedule(int64_t steps, double shift = 1.0, std::optional<double> mu = {});
// FluxPipeline's calculate_shift: mu linear in the image token count.
double flux_mu(int64_t image_seq_len, int64_t base_seq_len = 256, int64_t max_seq_len = 4096,
               double base_shift = 0.5, double max_shift = 1.15);

// ComfyUI's ModelSamplingFlux sigma table: flux_time_shift(shift, 1, t) for t = k/10000,
// k = 1..10000 (schnell: shift 1.0, dev: 1.15 or ModelSamplingFlux's value). Feed it to
// comfy_simple() (schedulers.hpp) for ComfyUI's "simple" FLUX schedule.
std::vector<float> comfy_flux_model_sigmas(double shift, int64_t timesteps = 10000);

// ComfyUI's ModelSamplingDiscreteFlow sigma table (FLUX.1-schnell, SD3: model type FLOW):
// time_snr_shift(shift, t) = shift·t / (1 + (shift − 1)·t) for t = k/timesteps, k = 1..timesteps,
// in float32 (schnell: shift 1, so t itself; its "simple" schedule is linspace(1, 1/n, n) + 0).
std::vector<float> comfy_discrete_flow_sigmas(double shift, int64_t timesteps = 1000, double multiplier = 1000.0);

}  // namespace vkflow::sampling
