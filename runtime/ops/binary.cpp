#include "runtime/ops/binary.hpp"

#include <algorithm>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor binary(std::string_view op, const Tensor& a, const Tensor& b) {
  VKFLOW_EXPECT(std::find(std::begin(kBinaryOps), std::end(kBinaryOps), op) != std::end(kBinaryOps), op,
         "not an elementwise binary op");
  expect_dtype(a, DType::F32, op, "a");
  expect_dtype(b, DType::F32, op, "b");
  expect_same_device({&a, &b}, op);
  Shape s;
  try {
    s = broadcast_shapes(a.shape(), b.shape());
  } catch (const Error& e) {
    VKFLOW_EXPECT(false, op, e.what());
  }
  Tensor y = new_like(a, s);
  launch(op, {a, b}, {y}, nullptr);
  return y;
}

Tensor add(const Tensor& a, const Tensor& b) { return binary("add", a, b); }
Tensor sub(const Tensor& a, const Tensor& b) { return binary("sub", a, b); }
Tensor mul(const Tensor& a, const Tensor& b) { return binary("mul", a, b); }
Tensor div(const Tensor& a, const Tensor& b) { return binary("div", a, b); }

}  // namespace vkflow::ops
