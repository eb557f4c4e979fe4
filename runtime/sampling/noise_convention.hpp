#pragma once
// Picks the noise sampler a KSampler run uses, from the seed and a convention (see
// noise_sampler.hpp for what each convention is and why).
#include <cstdint>
#include <functional>
#include <span>

#include "runtime/sampling/noise_sampler.hpp"

namespace vkflow::sampling {

enum class NoiseConvention {
  ComfyFresh,         // ComfyUI 0.3.64: fresh generator seeded with `seed` (default)
  ComfyFreshPlusOne,  // later ComfyUI on the CPU: fresh generator seeded with `seed + 1`
  ContinueInitial,    // sd15_tiny fixtures: continue the generator that made the initial noise
};

// Makes a standard-normal stream from a seed (torch.Generator("cpu").manual_seed(seed) + randn).
using RandnFactory = std::function<RandnStream(uint64_t seed)>;

struct NoiseRequest {
  NoiseConvention convention = NoiseConvention::ComfyFresh;
  uint64_t seed = 0;
  RandnFactory make_stream;   // for the fresh conventions
  RandnStream initial_stream; // ContinueInitial: the generator after the initial noise draw
};

// The noise sampler for `sampler_name` over `sigmas` on a latent of `numel` values: a plain
// stream for ancestral samplers, a Brownian bridge over [min sigma > 0, max sigma] for the SDE
// samplers. Returns an empty NoiseSampler for samplers that draw no noise.
NoiseSampler make_noise_sampler(std::string_view sampler_name, const NoiseRequest& req,
                                size_t numel, std::span<const double> sigmas);

}  // namespace vkflow::sampling
