#include "runtime/ops/unary.hpp"

#include <algorithm>

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor unary(std::string_view op, const Tensor& x, UnaryParams p) {
  VKFLOW_EXPECT(std::find(std::begin(kUnaryOps), std::end(kUnaryOps), op) != std::end(kUnaryOps), op,
         "not an elementwise unary op");
  expect_dtype(x, DType::F32, op, "x");
  Tensor y = new_like(x, x.shape());
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor gelu(const Tensor& x) { return unary("gelu", x); }
Tensor gelu_tanh(const Tensor& x) { return unary("gelu_tanh", x); }
Tensor quick_gelu(const Tensor& x) { return unary("quick_gelu", x); }
Tensor silu(const Tensor& x) { return unary("silu", x); }
Tensor relu(const Tensor& x) { return unary("relu", x); }
Tensor leaky_relu(const Tensor& x, float slope) { return unary("leaky_relu", x, {slope, 0.0f}); }
Tensor tanh(const Tensor& x) { return unary("tanh", x); }
Tensor sigmoid(const Tensor& x) { return unary("sigmoid", x); }
Tensor exp(const Tensor& x) { return unary("exp", x); }
Tensor scale(const Tensor& x, float mul, float add) { return unary("scale", x, {mul, add}); }
Tensor clamp(const Tensor& x, float lo, float hi) {
  VKFLOW_EXPECT(lo <= hi, "clamp", "min " + std::to_string(lo) + " exceeds max " + std::to_string(hi));
  return unary("clamp", x, {lo, hi});
}

}  // namespace vkflow::ops
