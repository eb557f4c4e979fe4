#pragma once
// The UNet's modules (LDM openaimodel / attention names), as functions of the weights:
//   ResBlock           in_layers (GroupNorm, SiLU, conv3x3), emb_layers.1 (time projection),
//                      out_layers (GroupNorm, SiLU, conv3x3), skip_connection (1x1) when widths differ
//   SpatialTransformer norm (GroupNorm eps 1e-6), proj_in (1x1 conv or linear), transformer_blocks.N
//                      (norm1 self-attn attn1, norm2 cross-attn attn2 on the context, norm3 GEGLU ff),
//                      proj_out, residual
//   Downsample         op: conv3x3 stride 2 pad 1;  Upsample: nearest to the skip's size, conv3x3
#include <string>

#include "runtime/core/tensor.hpp"
#include "runtime/models/common/weight_set.hpp"
#include "runtime/models/unet/unet_config.hpp"

namespace vkflow::models::unet {

// emb_silu = SiLU(time embedding) [B or 1, time_embed_dim], shared by every ResBlock.
Tensor res_block(const WeightSet& w, const UNetConfig& c, const std::string& name, const Tensor& x,
                 const Tensor& emb_silu);
Tensor spatial_transformer(const WeightSet& w, const UNetConfig& c, const UNetPart& part, const Tensor& x,
                           const Tensor& context);
Tensor downsample(const WeightSet& w, const std::string& name, const Tensor& x);
Tensor upsample(const WeightSet& w, const std::string& name, const Tensor& x, int64_t out_h, int64_t out_w);

}  // namespace vkflow::models::unet
