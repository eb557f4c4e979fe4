#pragma once
// Softmax over the last dimension, with a scale and an optional additive mask.
#include <cstdint>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "softmax": inputs {x [..., D] f32, mask f32 broadcastable to x (NumPy rules) or
// undefined}; y = softmax(x * scale + mask). A row whose every entry is -inf gives zeros
// (not NaN), so fully masked rows are harmless.
struct SoftmaxParams {
  float scale = 1.0f;
  int32_t has_mask = 0;  // set by the front-end
};
Tensor softmax(const Tensor& x, float scale = 1.0f, const Tensor& mask = {});

}  // namespace vkflow::ops
