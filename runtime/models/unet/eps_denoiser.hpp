#pragma once
// A UNet as the samplers' denoiser (runtime/sampling): D(x, σ) = x − σ·ε(x·c_in, t(σ), ctx),
// c_in = 1/√(σ²+1), as k-diffusion's CompVisDenoiser and ComfyUI's EPS model sampling compute
// it (in f32). For CFG the unconditional and conditional halves run as ONE batch-2B forward.
//
//   auto sched = sampling::DiscreteSchedule::comfy();
//   auto t_of = [&](double s) { return double(sched.nearest_timestep(float(s))); };  // ComfyUI
//   //        or [&](double s) { return double(sched.sigma_to_t(float(s))); };       // k-diffusion
//   ctx.denoiser = sampling::make_cfg_denoiser(
//       models::make_cfg_eps_denoiser(unet, {1, 4, h, w}, uncond, cond, t_of), cfg,
//       models::make_eps_denoiser(unet, {1, 4, h, w}, cond, t_of));
#include <functional>

#include "runtime/core/tensor.hpp"
#include "runtime/models/unet/unet.hpp"
#include "runtime/sampling/cfg.hpp"

namespace vkflow::models {

// sigma -> the timestep fed to the UNet.
using TimestepFn = std::function<double(double sigma)>;

// latent: the sampled latent's shape [B, C, h, w]; context [B or 1, L, C] on the UNet's device.
sampling::Denoiser make_eps_denoiser(const UNetModel& unet, const Shape& latent, const Tensor& context, TimestepFn t_of);

// The BatchedDenoiser make_cfg_denoiser wants: input/output [uncond x (B), cond x (B)].
// Contexts of different token lengths (long prompts: several 77-token chunks) are repeated to
// their least common multiple, as ComfyUI does.
sampling::BatchedDenoiser make_cfg_eps_denoiser(const UNetModel& unet, const Shape& latent, const Tensor& uncond,
                                                const Tensor& cond, TimestepFn t_of);

// ctx repeated along the batch (from 1 to n rows) and along the tokens (to `len`, a multiple
// of its length). Error when neither fits.
Tensor repeat_context(const Tensor& ctx, int64_t n, int64_t len);

}  // namespace vkflow::models
