#pragma once
// Elementwise arithmetic of two f32 tensors with NumPy broadcasting.
#include <string_view>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// ops "add", "sub", "mul", "div": inputs {a, b} f32; output f32 of broadcast_shapes(a, b).
// No params (nullptr); kernels derive strides with broadcast_strides().
inline constexpr std::string_view kBinaryOps[] = {"add", "sub", "mul", "div"};

Tensor binary(std::string_view op, const Tensor& a, const Tensor& b);
Tensor add(const Tensor& a, const Tensor& b);
Tensor sub(const Tensor& a, const Tensor& b);
Tensor mul(const Tensor& a, const Tensor& b);
Tensor div(const Tensor& a, const Tensor& b);

}  // namespace vkflow::ops
