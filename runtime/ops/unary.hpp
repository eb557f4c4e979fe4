#pragma once
// Elementwise functions of one f32 tensor. Every op shares UnaryParams; the meaning of
// alpha/beta is given per op.
#include <string_view>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// ops: "gelu" (erf form), "gelu_tanh", "quick_gelu" (x*sigmoid(1.702x)), "silu", "relu",
// "leaky_relu" (alpha = negative slope), "tanh", "sigmoid", "exp",
// "scale" (x*alpha + beta), "clamp" (min alpha, max beta). Output: same shape, f32.
struct UnaryParams {
  float alpha = 0.0f, beta = 0.0f;
};
// The op names above, for tests and benchmarks.
inline constexpr std::string_view kUnaryOps[] = {"gelu", "gelu_tanh", "quick_gelu", "silu",  "relu", "leaky_relu",
                                                 "tanh", "sigmoid",   "exp",        "scale", "clamp"};

Tensor unary(std::string_view op, const Tensor& x, UnaryParams p = {});
Tensor gelu(const Tensor& x);
Tensor gelu_tanh(const Tensor& x);
Tensor quick_gelu(const Tensor& x);
Tensor silu(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor leaky_relu(const Tensor& x, float slope = 0.01f);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor scale(const Tensor& x, float mul, float add = 0.0f);
Tensor clamp(const Tensor& x, float lo, float hi);

}  // namespace vkflow::ops
