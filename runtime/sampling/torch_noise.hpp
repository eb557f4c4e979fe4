#pragma once
// Noise from the bit-exact torch CPU generator (torch_rng.hpp) in ComfyUI's conventions.
#include <cstdint>
#include <memory>
#include <vector>

#include "runtime/sampling/noise_convention.hpp"
#include "runtime/sampling/torch_rng.hpp"

namespace vkflow::sampling {

// A RandnStream drawing torch.randn values from `gen` (shared, so the stream can outlive scope).
RandnStream torch_stream(std::shared_ptr<TorchGenerator> gen);
// seed -> stream of a fresh torch.Generator("cpu").manual_seed(seed).
RandnFactory torch_randn_factory();

// ComfyUI prepare_noise (no batch_index): torch.randn(latent shape) after manual_seed(seed),
// one draw for the whole batch. The generator is returned too, positioned after the draw, for
// NoiseConvention::ContinueInitial.
struct InitialNoise {
  std::vector<float> noise;
  std::shared_ptr<TorchGenerator> generator;
};
InitialNoise initial_noise(uint64_t seed, size_t numel);

// NoiseRequest for a KSampler seed in `convention`, backed by the torch generator.
NoiseRequest torch_noise_request(uint64_t seed, NoiseConvention convention,
                                 const InitialNoise& initial);

}  // namespace vkflow::sampling
