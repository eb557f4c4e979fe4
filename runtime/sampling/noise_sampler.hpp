// Noise sources for ancestral and SDE samplers.
//
// ComfyUI (0.3.64, the version the comfyui_sd15 fixtures come from) draws ancestral noise from a
// *fresh* torch generator seeded with the KSampler seed, one randn of the whole latent per call;
// on the CPU the first draw therefore equals the initial noise. Later ComfyUI versions seed that
// generator with seed + 1 on the CPU. The sd15_tiny fixtures instead continue the generator that
// produced the initial noise. All three are a RandnStream seeded differently; see
// noise_convention.hpp for building them from a seed.
//
// ComfyUI's dpmpp_sde / dpmpp_2m_sde / dpmpp_3m_sde use torchsde's BrownianTree, whose
// bit stream cannot be reproduced without torchsde. brownian_bridge_noise() gives the same
// statistics (a Brownian motion W over sigma, queried as (W(s_next) - W(s)) / sqrt|s_next - s|,
// consistent for nested intervals) from a RandnStream, deterministically for a seed.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "runtime/sampling/sampler.hpp"

namespace vkflow::sampling {

// Fills its argument with consecutive standard-normal float32 values (e.g. torch.randn from a
// seeded CPU generator: out.size() values in the order torch.randn(shape) would produce them).
using RandnStream = std::function<void(std::span<float>)>;

// One stream draw per call, ignoring the sigmas (k-diffusion default_noise_sampler).
NoiseSampler stream_noise(RandnStream stream);

// Brownian-motion noise over sigma in [sigma_min, sigma_max] (outside, the motion is extended),
// for `numel` independent elements. Points are sampled lazily by Brownian-bridge interpolation
// between the already-known points, each new point taking numel values from `stream`.
NoiseSampler brownian_bridge_noise(RandnStream stream, size_t numel, double sigma_min,
                                   double sigma_max);

// Noise replayed from recorded draws (tests, fixtures): call k returns draws[k].
NoiseSampler replay_noise(std::vector<std::vector<float>> draws);

}  // namespace vkflow::sampling
