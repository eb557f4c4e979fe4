#pragma once
// The FLUX transformer as the samplers' denoiser (runtime/sampling) for flow models (ComfyUI
// CONST): D(x, σ) = x − σ·v(x, σ), the model fed x itself at timestep σ. x is the model-space
// latent [B, C, h, w] (not packed); packing happens inside FluxModel::forward_latent.
//
//   FluxCond cond{.txt = t5_states, .pooled = clip_pooled, .guidance = 3.5f};
//   ctx.denoiser = sampling::make_cfg_denoiser(models::make_cfg_flow_denoiser(dit, shape, uncond, cond),
//                                              cfg, models::make_flow_denoiser(dit, shape, cond));
//   ctx.prediction = sampling::Prediction::Flow;
#include "runtime/core/tensor.hpp"
#include "runtime/models/flux/flux_model.hpp"
#include "runtime/sampling/cfg.hpp"

namespace vkflow::models {

// One conditioning as FLUX takes it (a ComfyUI CONDITIONING entry): T5 states, pooled CLIP
// vector, and the distilled guidance value (FluxGuidance; ignored by schnell).
struct FluxCond {
  Tensor txt;     // [1 or B, L, context_dim] on the model's device
  Tensor pooled;  // [1 or B, vec_dim]
  float guidance = 3.5f;
};

// latent: [B, C, h, w] of the sampled latent.
sampling::Denoiser make_flow_denoiser(const FluxModel& dit, const Shape& latent, const FluxCond& cond);
// [uncond x (B), cond x (B)] -> both denoised halves (one batch of 2B when the text lengths
// agree, two forwards otherwise: FLUX's attention is not invariant to repeated tokens).
sampling::BatchedDenoiser make_cfg_flow_denoiser(const FluxModel& dit, const Shape& latent, const FluxCond& uncond,
                                                 const FluxCond& cond);

}  // namespace vkflow::models
