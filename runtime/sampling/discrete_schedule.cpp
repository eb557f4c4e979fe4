#include "runtime/sampling/discrete_schedule.hpp"

// Bit-exact reproduction needs every multiply and add rounded separately (no contraction
// into FMA, even under -march=native); GCC in ISO C++ mode already does this.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/sampling/torch_linspace.hpp"

namespace vkflow::sampling {

std::vector<double> alphas_cumprod_f64(const BetaSchedule& b) {
  if (b.timesteps < 2) throw Error("beta schedule needs at least 2 timesteps");
  // torch.linspace(sqrt(start), sqrt(end), n, dtype=float64) ** 2
  auto betas = torch_linspace_f64(std::sqrt(b.linear_start), std::sqrt(b.linear_end), b.timesteps);
  std::vector<double> ac(betas.size());
  double prod = 1.0;
  for (size_t i = 0; i < betas.size(); ++i) {
    prod *= 1.0 - betas[i] * betas[i];
    ac[i] = prod;
  }
  return ac;
}

DiscreteSchedule DiscreteSchedule::kdiffusion(const BetaSchedule& b) {
  auto ac = alphas_cumprod_f64(b);
  return kdiffusion_from_alphas_cumprod(std::vector<float>(ac.begin(), ac.end()));
}

DiscreteSchedule DiscreteSchedule::kdiffusion_from_alphas_cumprod(const std::vector<float>& ac) {
  if (ac.size() < 2) throw Error("alphas_cumprod needs at least 2 entries");
  DiscreteSchedule s;
  for (float a : ac) {
    if (!(a > 0.0f && a <= 1.0f)) throw Error("alphas_cumprod values must lie in (0, 1]");
    const float sigma = std::sqrt((1.0f - a) / a);  // float32 tensor arithmetic
    s.sigmas_.push_back(sigma);
    s.log_sigmas_.push_back(std::log(sigma));
  }
  return s;
}

DiscreteSchedule DiscreteSchedule::comfy(const BetaSchedule& b) {
  DiscreteSchedule s;
  for (double a : alphas_cumprod_f64(b)) {
    const double sigma = std::sqrt((1.0 - a) / a);
    s.sigmas_.push_back(static_cast<float>(sigma));
    s.log_sigmas_.push_back(static_cast<float>(std::log(sigma)));
  }
  return s;
}

float DiscreteSchedule::sigma_to_t(float sigma) const {
  const float log_sigma = std::log(sigma);
  const int64_t n = static_cast<int64_t>(log_sigmas_.size());
  // low = last index whose log sigma is <= log_sigma (0 if none), at most n-2.
  int64_t low = 0;
  for (int64_t i = 0; i < n; ++i)
    if (log_sigma - log_sigmas_[i] >= 0.0f) low = i;
  if (low > n - 2) low = n - 2;
  const float lo = log_sigmas_[low], hi = log_sigmas_[low + 1];
  float w = (lo - log_sigma) / (lo - hi);
  w = std::fmin(std::fmax(w, 0.0f), 1.0f);
  return (1.0f - w) * static_cast<float>(low) + w * static_cast<float>(low + 1);
}

float DiscreteSchedule::t_to_sigma(float t) const {
  const float tmax = static_cast<float>(sigmas_.size() - 1);
  t = std::fmin(std::fmax(t, 0.0f), tmax);
  const float lo_t = std::floor(t);
  const auto lo = static_cast<size_t>(lo_t);
  const auto hi = static_cast<size_t>(std::ceil(t));
  const float w = t - lo_t;
  const float log_sigma = (1.0f - w) * log_sigmas_[lo] + w * log_sigmas_[hi];
  return std::exp(log_sigma);
}

int64_t DiscreteSchedule::nearest_timestep(float sigma) const {
  const float log_sigma = std::log(sigma);
  int64_t best = 0;
  float best_d = INFINITY;
  for (size_t i = 0; i < log_sigmas_.size(); ++i) {
    const float d = std::fabs(log_sigma - log_sigmas_[i]);
    if (d < best_d) {  // first minimum wins, as argmin
      best_d = d;
      best = static_cast<int64_t>(i);
    }
  }
  return best;
}

}  // namespace vkflow::sampling
