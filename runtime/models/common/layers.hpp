#pragma once
// Layers shared by the models, as free functions over a WeightSet and a module name
// ("encoder.layers.3.mlp.fc1" -> "<name>.weight", "<name>.bias" when stored). Activations are
// f32 device tensors; every helper returns a new tensor so callers can drop inputs early.
#include <string>
#include <string_view>

#include "runtime/core/tensor.hpp"
#include "runtime/models/common/weight_set.hpp"

namespace vkflow::models {

// y = x W^T + b over the last dimension. A stored [N, K, 1, 1] weight (1x1 convolution) is
// used as [N, K]: a 1x1 convolution on [B, C, H, W] is this linear on tokens [B, H·W, C].
Tensor linear(const WeightSet& w, std::string_view name, const Tensor& x);
// "same" padding for odd kernels unless pad >= 0 is given.
Tensor conv2d(const WeightSet& w, std::string_view name, const Tensor& x, int stride = 1, int pad = -1);
Tensor group_norm(const WeightSet& w, std::string_view name, const Tensor& x, int groups, float eps);
Tensor layer_norm(const WeightSet& w, std::string_view name, const Tensor& x, float eps);

// [B, C, H, W] <-> [B, H·W, C] (the token layout attention and linear layers want).
Tensor to_tokens(const Tensor& x);
Tensor from_tokens(const Tensor& x, int64_t h, int64_t w);

// Multi-head attention on token tensors: q [B, Lq, H·D], k/v [B, Lk, H·D] -> [B, Lq, H·D]
// (heads split/merged around the memory-efficient attention op). mask: an additive bias
// broadcastable to [B, heads, Lq, Lk] (T5's position bias); scale <= 0 means 1/sqrt(D).
Tensor multi_head_attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, bool causal = false,
                            const Tensor& mask = {}, float scale = 0.0f);

// The dimension of a weight, with a FormatError naming it when the rank is too small.
int64_t weight_dim(const WeightSet& w, std::string_view name, int axis);

}  // namespace vkflow::models
