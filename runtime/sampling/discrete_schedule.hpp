#pragma once
// The noise levels of a discrete-time (DDPM) diffusion model such as SD1.5: 1000 sigmas and
// the maps between sigma and the (fractional) timestep fed to the UNet. Two conventions exist
// and differ in the last bits, so both are provided:
//  - k-diffusion's CompVisDenoiser on LDM's float32 alphas_cumprod (what diffusers-era scripts
//    and the sd15_tiny fixtures use): sigma computed in float32 from float32 alphas_cumprod;
//  - ComfyUI's ModelSamplingDiscrete: alphas_cumprod and sigma in float64, then rounded.
#include <cstdint>
#include <vector>

namespace vkflow::sampling {

struct BetaSchedule {
  double linear_start = 0.00085;  // SD1.x / SD2.x
  double linear_end = 0.012;
  int64_t timesteps = 1000;
};

// LDM's make_beta_schedule("linear") then cumprod(1 - beta), all in float64.
std::vector<double> alphas_cumprod_f64(const BetaSchedule& b = {});

class DiscreteSchedule {
 public:
  // k-diffusion CompVisDenoiser over LDM's float32 alphas_cumprod buffer.
  static DiscreteSchedule kdiffusion(const BetaSchedule& b = {});
  // k-diffusion CompVisDenoiser over a model's own float32 alphas_cumprod (e.g. the buffer
  // stored in an LDM checkpoint).
  static DiscreteSchedule kdiffusion_from_alphas_cumprod(const std::vector<float>& ac);
  // ComfyUI's ModelSamplingDiscrete (eps / v prediction alike).
  static DiscreteSchedule comfy(const BetaSchedule& b = {});

  const std::vector<float>& sigmas() const { return sigmas_; }
  const std::vector<float>& log_sigmas() const { return log_sigmas_; }
  float sigma_min() const { return sigmas_.front(); }
  float sigma_max() const { return sigmas_.back(); }

  // k-diffusion: fractional t by linear interpolation of log sigma between neighbours.
  float sigma_to_t(float sigma) const;
  // Both: sigma at a fractional t, log-linear between floor(t) and ceil(t) (t clamped).
  float t_to_sigma(float t) const;
  // ComfyUI's model_sampling.timestep(): index of the nearest log sigma.
  int64_t nearest_timestep(float sigma) const;

 private:
  std::vector<float> sigmas_, log_sigmas_;
};

}  // namespace vkflow::sampling
