#pragma once
// Normalisations. All f32; optional affine parameters are f32 and may be absent.
#include <cstdint>
#include <vector>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "group_norm": inputs {x [N, C, ...], weight [C], bias [C]}; statistics over each group
// of C/groups channels and all trailing dimensions (PyTorch nn.GroupNorm).
struct GroupNormParams {
  int32_t groups = 32;
  float eps = 1e-5f;
  int32_t has_weight = 0, has_bias = 0;  // set by the front-end
};
Tensor group_norm(const Tensor& x, int groups, const Tensor& weight = {}, const Tensor& bias = {}, float eps = 1e-5f);

// op "layer_norm": inputs {x [..., D], weight [D], bias [D]}; over the last dimension.
struct LayerNormParams {
  float eps = 1e-5f;
  int32_t has_weight = 0, has_bias = 0;
};
Tensor layer_norm(const Tensor& x, const Tensor& weight = {}, const Tensor& bias = {}, float eps = 1e-5f);

// op "rms_norm": inputs {x [..., D], weight [D]}; y = x / sqrt(mean(x^2) + eps) * weight.
struct RmsNormParams {
  float eps = 1e-6f;
  int32_t has_weight = 0;
};
Tensor rms_norm(const Tensor& x, const Tensor& weight = {}, float eps = 1e-6f);

// op "batch_norm": inputs {x [N, C, ...], scale [C], shift [C]}; y = x * scale[c] + shift[c]
// (inference batch norm folded with fold_batch_norm). No params (nullptr).
Tensor batch_norm(const Tensor& x, const Tensor& scale, const Tensor& shift);
// scale = weight / sqrt(var + eps), shift = bias - mean * scale (host vectors of length C).
void fold_batch_norm(const std::vector<float>& mean, const std::vector<float>& var,
                     const std::vector<float>& weight, const std::vector<float>& bias, float eps,
                     std::vector<float>& scale, std::vector<float>& shift);

}  // namespace vkflow::ops
