#include "runtime/ops/softmax.hpp"

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor softmax(const Tensor& x, float scale, const Tensor& mask) {
  constexpr std::string_view op = "softmax";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 1, op, "x must have at least one dimension");
  if (mask.defined()) {
    expect_dtype(mask, DType::F32, op, "mask");
    VKFLOW_EXPECT(broadcasts_to(mask.shape(), x.shape()), op,
           "mask " + to_string(mask.shape()) + " does not broadcast to x " + to_string(x.shape()));
  }
  expect_same_device({&x, &mask}, op);
  SoftmaxParams p{scale, mask.defined()};
  Tensor y = new_like(x, x.shape());
  launch(op, {x, mask}, {y}, &p);
  return y;
}

}  // namespace vkflow::ops
