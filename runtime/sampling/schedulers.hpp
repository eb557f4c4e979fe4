#pragma once
// Sigma schedules under ComfyUI's scheduler names. Each returns steps+1 sigmas, the last 0
// (ddim_uniform and normal may differ in count exactly as ComfyUI's do). The arithmetic
// follows the Python references operation by operation (float32 tensors vs float64 scalars).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/sampling/discrete_schedule.hpp"

namespace vkflow::sampling {

// k-diffusion CompVisDenoiser.get_sigmas(n): t = torch.linspace(999, 0, n), t_to_sigma, + 0.
std::vector<float> kdiffusion_normal(const DiscreteSchedule& s, int64_t n);

// k_diffusion.sampling.get_sigmas_karras(n, sigma_min, sigma_max, rho) + 0.
std::vector<float> karras(int64_t n, double sigma_min, double sigma_max, double rho = 7.0);
// get_sigmas_exponential(n, sigma_min, sigma_max) + 0.
std::vector<float> exponential(int64_t n, double sigma_min, double sigma_max);

// ComfyUI's schedulers over its ModelSamplingDiscrete (DiscreteSchedule::comfy()).
std::vector<float> comfy_normal(const DiscreteSchedule& s, int64_t steps, bool sgm = false);
std::vector<float> comfy_simple(const std::vector<float>& model_sigmas, int64_t steps);
std::vector<float> comfy_ddim_uniform(const std::vector<float>& model_sigmas, int64_t steps);
std::vector<float> comfy_beta(const std::vector<float>& model_sigmas, int64_t steps,
                              double alpha = 0.6, double beta = 0.6);

// ComfyUI's calculate_sigmas(model_sampling, scheduler_name, steps) for a discrete model:
// normal, karras, exponential, sgm_uniform, simple, ddim_uniform, beta. Throws vkflow::Error
// naming the scheduler when it is unknown.
std::vector<float> comfy_sigmas(const DiscreteSchedule& s, std::string_view scheduler, int64_t steps);
const std::vector<std::string>& comfy_scheduler_names();

}  // namespace vkflow::sampling
