#pragma once
// FLUX.1 DiT (schnell/dev): resident weights at the file's quantization and peak activations
// for a sampling run. 2x2-patched latents give (H/16)(W/16) image tokens, joined by the T5
// text tokens (256 for schnell) in every attention.
#include <cstdint>
#include <vector>

#include "runtime/models/footprint.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::models {

struct FluxRequest {
  int64_t width = 1024, height = 1024;  // image pixels
  int64_t txt_tokens = 256;
  int batch = 1;
  int steps = 4;
  int act_bytes = 4;
};

// One footprint (the attention op is tiled: no score matrix, so no chunking option). Tensor names are
// BFL's ("double_blocks.N.img_attn.qkv.weight"), optionally under "model.diffusion_model.".
std::vector<Footprint> flux_dit_estimate(const ModelHeader& h, const FluxRequest& r, DeviceKind device);

}  // namespace vkflow::models
