#pragma once
// From a model's raw output to the denoised estimate the samplers work with (ComfyUI's
// model_sampling.calculate_denoised). Both an eps-prediction UNet (k-diffusion VE form) and a
// velocity-predicting flow model (ComfyUI CONST: x = (1-σ)·x0 + σ·noise, v = noise - x0) give
// x0 = x - σ·output; only the input scaling differs: an Eps model is fed x / sqrt(σ² + 1) at
// timestep sigma_to_t(σ), a flow model x itself at timestep σ (×1000 inside FLUX).
#include <span>

#include "runtime/sampling/sampler.hpp"

namespace vkflow::sampling {

// dst = x - sigma · model_output (dst may alias model_output).
void denoised_from_output(std::span<const float> x, std::span<const float> model_output, double sigma,
                          std::span<float> dst);

// ComfyUI calculate_input: the factor the model input x is multiplied by.
double model_input_scale(Prediction p, double sigma);

}  // namespace vkflow::sampling
