#include "runtime/ops/reduce.hpp"

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor cumsum(const Tensor& x, int axis) {
  constexpr std::string_view op = "cumsum";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(axis >= -x.rank() && axis < x.rank(), op, "axis " + std::to_string(axis) + " out of range for " + to_string(x.shape()));
  CumsumParams p{axis < 0 ? axis + x.rank() : axis};
  Tensor y = new_like(x, x.shape());
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor argmax(const Tensor& x) {
  constexpr std::string_view op = "argmax";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 1 && x.dim(-1) >= 1, op, "x must have a non-empty last dimension");
  Shape s = x.shape();
  s.pop_back();
  Tensor y = new_like(x, s, DType::I32);
  launch(op, {x}, {y}, nullptr);
  return y;
}

std::pair<Tensor, Tensor> topk(const Tensor& x, int k) {
  constexpr std::string_view op = "topk";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 1, op, "x must have at least one dimension");
  VKFLOW_EXPECT(k >= 1 && k <= x.dim(-1), op, "k = " + std::to_string(k) + " outside [1, " + std::to_string(x.dim(-1)) + "]");
  Shape s = x.shape();
  s.back() = k;
  Tensor vals = new_like(x, s), idx = new_like(x, s, DType::I32);
  TopkParams p{k};
  launch(op, {x}, {vals, idx}, &p);
  return {vals, idx};
}

}  // namespace vkflow::ops
