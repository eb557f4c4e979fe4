#include "runtime/sampling/cfg.hpp"

#include <cmath>
#include <vector>

namespace vkflow::sampling {

void cfg_combine(std::span<const float> uncond, std::span<const float> cond, double cfg,
                 std::span<float> out) {
  if (uncond.size() != cond.size() || out.size() != cond.size())
    throw Error("cfg: uncond/cond/out sizes differ");
  const float s = static_cast<float>(cfg);
  for (size_t i = 0; i < out.size(); ++i) out[i] = uncond[i] + (cond[i] - uncond[i]) * s;
}

Denoiser make_cfg_denoiser(BatchedDenoiser batched, double cfg, CondDenoiser cond_only) {
  if (!batched) throw Error("cfg: no model");
  if (std::fabs(cfg - 1.0) <= 1e-9 * std::fmax(1.0, std::fabs(cfg)) && cond_only) return cond_only;
  // Buffers per call (not shared): the denoiser may be called from several threads, and two
  // latent copies cost nothing next to the model call.
  return [batched = std::move(batched), cfg](std::span<const float> x, double sigma,
                                             std::span<float> out) {
    const size_t n = x.size();
    std::vector<float> x2(2 * n), d2(2 * n);
    std::copy(x.begin(), x.end(), x2.begin());
    std::copy(x.begin(), x.end(), x2.begin() + static_cast<std::ptrdiff_t>(n));
    batched(x2, sigma, d2);
    cfg_combine(std::span<const float>(d2).first(n), std::span<const float>(d2).subspan(n), cfg, out);
  };
}

}  // namespace vkflow::sampling
