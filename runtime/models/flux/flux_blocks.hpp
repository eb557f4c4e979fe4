#pragma once
// The FLUX.1 transformer blocks (BFL flux/modules/layers.py) over token tensors [B, L, hidden]:
// adaLN modulation from the conditioning vector, QK-RMS-normed joint attention with RoPE,
// tanh-GELU MLPs. Free functions over the model's WeightSet and a block name.
#include <string>
#include <utility>

#include "runtime/core/tensor.hpp"
#include "runtime/models/common/weight_set.hpp"
#include "runtime/models/flux/flux_config.hpp"

namespace vkflow::models::flux {

// RoPE tables for the joint sequence (text tokens first), [L, head_dim / 2] each.
struct Rope {
  Tensor cos, sin;
};

// silu(vec), the input of every modulation (computed once per forward).
// double_blocks.N: img [B, Li, hidden], txt [B, Lt, hidden] -> both updated.
void double_block(const WeightSet& w, const FluxConfig& c, const std::string& name, const Tensor& vec_act,
                  const Rope& pe, Tensor& img, Tensor& txt);
// single_blocks.N on the joined sequence x [B, Lt + Li, hidden].
Tensor single_block(const WeightSet& w, const FluxConfig& c, const std::string& name, const Tensor& vec_act,
                    const Rope& pe, const Tensor& x);
// final_layer: adaLN (shift, scale), then the projection to out_channels.
Tensor final_layer(const WeightSet& w, const FluxConfig& c, const Tensor& vec_act, const Tensor& x);

}  // namespace vkflow::models::flux
