#pragma once
// The structure of an LDM UNet (openaimodel.UNetModel as SD1.x ships it) read from its weight
// names and shapes: the input/middle/output block lists, channel counts, context width. Only
// the attention head count is not in the weights (SD1.x: 8 heads; SD2: 64 channels per head).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/models/common/weight_set.hpp"

namespace vkflow::models {

// One module of a block: input_blocks.4.1 is a SpatialTransformer, input_blocks.3.0 a
// Downsample, ...
struct UNetPart {
  enum class Kind { Conv, Res, Attn, Down, Up } kind = Kind::Conv;
  std::string name;  // "input_blocks.4.1"
  int depth = 0;     // Attn: transformer_blocks in it
};
// One entry of input_blocks / middle_block / output_blocks: its modules, run in order.
struct UNetBlock {
  std::string name;  // "input_blocks.4", "middle_block", "output_blocks.2"
  std::vector<UNetPart> parts;
};

struct UNetOptions {
  std::optional<int64_t> num_heads;          // heads per attention layer (SD1.x: 8)
  std::optional<int64_t> num_head_channels;  // or a fixed head width (SD2.x: 64)
};

struct UNetConfig {
  int64_t in_channels = 0, out_channels = 0, model_channels = 0, time_embed_dim = 0, context_dim = 0;
  int64_t num_heads = 8;           // used when num_head_channels <= 0
  int64_t num_head_channels = -1;
  int groups = 32;                 // GroupNorm32 everywhere
  float res_eps = 1e-5f;           // ResBlock / out GroupNorm (LDM normalization())
  float attn_norm_eps = 1e-6f;     // SpatialTransformer GroupNorm (LDM Normalize())
  float ln_eps = 1e-5f;            // BasicTransformerBlock LayerNorms
  std::vector<UNetBlock> input, middle, output;  // input[0] is conv_in (input_blocks.0.0)

  int64_t heads_for(int64_t channels) const {
    return num_head_channels > 0 ? channels / num_head_channels : num_heads;
  }
};

// Reads the structure from weights named as in an LDM checkpoint under model.diffusion_model.
// Head count: options, else metadata "vkflow.unet.num_heads" / "vkflow.unet.num_head_channels",
// else 8 heads (SD1.x). FormatError naming the weight when something expected is missing.
UNetConfig infer_unet_config(const WeightSet& w, const UNetOptions& opt = {});

}  // namespace vkflow::models
