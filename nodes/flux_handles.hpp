#pragma once
// The FLUX implementation of the MODEL handle (model_values.hpp): the FLUX.1 transformer from
// a BFL safetensors (bf16/fp16/fp8) or a GGUF of either style, flow prediction, and ComfyUI's
// model sampling for it — schnell: ModelSamplingDiscreteFlow (shift 1, 1000 steps);
// dev (guidance embedding): ModelSamplingFlux (shift 1.15); ModelSamplingFlux nodes replace it.
#include <filesystem>
#include <memory>

#include "nodes/model_values.hpp"

namespace vkflow::nodes {

struct FluxSamplingSpec {
  enum class Kind { DiscreteFlow, Flux } kind = Kind::DiscreteFlow;
  double shift = 1.0;
};

// Opens `path` (headers only); FormatError naming the file when it is not a FLUX transformer.
std::shared_ptr<const DiffusionModel> open_flux_model(const std::filesystem::path& path);
// The same model with another sampling (ModelSamplingFlux). Error when `model` is not FLUX.
std::shared_ptr<const DiffusionModel> with_flux_sampling(const DiffusionModel& model, FluxSamplingSpec spec);

// ComfyUI's ModelSamplingFlux shift for an image: linear in the token count
// (width·height/256) through (256, base_shift) and (4096, max_shift).
double flux_shift_for(int64_t width, int64_t height, double max_shift, double base_shift);

}  // namespace vkflow::nodes
