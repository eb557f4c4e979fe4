#include "runtime/sampling/flow_schedule.hpp"

// Bit-exact reproduction needs every multiply and add rounded separately (no contraction
// into FMA, even under -march=native); GCC in ISO C++ mode already does this.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/sampling/torch_linspace.hpp"

namespace vkflow::sampling {

FlowSchedule diffusers_flux_schedule(int64_t steps, double shift, std::optional<double> mu) {
  if (steps < 1) throw Error("flow schedule: steps must be >= 1, got " + std::to_string(steps));
  FlowSchedule out;
  const float f_shift = static_cast<float>(shift);
  const float e_mu = mu ? static_cast<float>(std::exp(*mu)) : 0.0f;
  for (double d : numpy_linspace(1.0, 1.0 / static_cast<double>(steps), steps)) {
    float s = static_cast<float>(d);  // numpy float32 array; Python scalars join as float32
    if (mu) {
      s = e_mu / (e_mu + (1.0f / s - 1.0f));
    } else {
      s = f_shift * s / (1.0f + (f_shift - 1.0f) * s);
    }
    out.sigmas.push_back(s);
    out.timesteps.push_back(s * 1000.0f);
  }
  out.sigmas.push_back(0.0f);
  return out;
}

double flux_mu(int64_t image_seq_len, int64_t base_seq_len, int64_t max_seq_len, double base_shift,
               double max_shift) {
  const double m = (max_shift - base_shift) / static_cast<double>(max_seq_len - base_seq_len);
  const double b = base_shift - m * static_cast<double>(base_seq_len);
  return static_cast<double>(image_seq_len) * m + b;
}

std::vector<float> comfy_flux_model_sigmas(double shift, int64_t timesteps) {
  if (timesteps < 1) throw Error("flux model sampling: timesteps must be >= 1");
  const float e = static_cast<float>(std::exp(shift));
  std::vector<float> out;
  for (int64_t k = 1; k <= timesteps; ++k) {
    const float t = static_cast<float>(k) / static_cast<float>(timesteps);
    out.push_back(e / (e + (1.0f / t - 1.0f)));
  }
  return out;
}

std::vector<float> comfy_discrete_flow_sigmas(double shift, int64_t timesteps, double multiplier) {
  if (timesteps < 1 || shift <= 0 || multiplier <= 0)
    throw Error("discrete flow model sampling: timesteps, shift and multiplier must be positive");
  const float a = static_cast<float>(shift), m = static_cast<float>(multiplier);
  std::vector<float> out;
  for (int64_t k = 1; k <= timesteps; ++k) {
    // ComfyUI: sigma((arange(1, T + 1) / T) · multiplier), sigma(ts) = time_snr_shift(shift, ts / multiplier)
    const float t = static_cast<float>(k) / static_cast<float>(timesteps) * m / m;
    out.push_back(shift == 1.0 ? t : a * t / (1.0f + (a - 1.0f) * t));
  }
  return out;
}

}  // namespace vkflow::sampling
