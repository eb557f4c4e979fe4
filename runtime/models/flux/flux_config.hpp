#pragma once
// The structure of a FLUX.1 transformer (BFL flux/model.py: schnell, dev) read from its weights:
// block counts, hidden width, heads, text/vector widths, guidance embedding. Only the RoPE axis
// split is not in the weights (see infer_flux_config).
#include <cstdint>
#include <optional>
#include <vector>

#include "runtime/models/common/weight_set.hpp"

namespace vkflow::models {

struct FluxOptions {
  std::optional<std::vector<int>> axes_dim;  // RoPE dims per position axis (t, h, w), sum = head_dim
  float theta = 10000.0f;                    // RoPE base
};

struct FluxConfig {
  int64_t in_channels = 0;   // packed latent channels (16 latent channels x 2x2 = 64)
  int64_t out_channels = 0;
  int64_t hidden = 0;        // 3072 for FLUX.1
  int64_t heads = 0;         // 24
  int64_t head_dim = 0;      // 128
  int64_t mlp_hidden = 0;    // 4 x hidden
  int64_t context_dim = 0;   // T5 width (4096)
  int64_t vec_dim = 0;       // pooled CLIP width (768)
  int depth = 0;             // double_blocks
  int depth_single = 0;      // single_blocks
  bool guidance_embed = false;  // dev: guidance_in present
  std::vector<int> axes_dim;    // (16, 56, 56) for FLUX.1
  float theta = 10000.0f;
  float eps = 1e-6f;            // LayerNorms and QK RMSNorms
  int64_t time_dim = 256;       // sinusoidal timestep embedding width (time_in.in_layer input)
};

// Reads the structure from BFL-named weights. RoPE axes: options, else the file's metadata
// "vkflow.flux.axes_dim" ("16,56,56"), else the FLUX.1 rule that reproduces its (16, 56, 56)
// for head_dim 128: the two spatial axes get the even floor of 7/16 of head_dim each, the
// time axis the rest (head_dim 16 -> (4, 6, 6)). FormatError naming the weight on anything
// inconsistent.
FluxConfig infer_flux_config(const WeightSet& w, const FluxOptions& opt = {});

}  // namespace vkflow::models
