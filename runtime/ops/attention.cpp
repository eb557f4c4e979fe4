#include "runtime/ops/attention.hpp"

#include <cmath>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                 bool causal, float scale) {
  constexpr std::string_view op = "attention";
  expect_dtype(q, DType::F32, op, "q");
  expect_dtype(k, DType::F32, op, "k");
  expect_dtype(v, DType::F32, op, "v");
  expect_rank(q, 4, op, "q", "[B, H, Lq, D]");
  expect_rank(k, 4, op, "k", "[B, H, Lk, D]");
  expect_rank(v, 4, op, "v", "[B, H, Lk, Dv]");
  int64_t B = q.dim(0), H = q.dim(1), Lq = q.dim(2), D = q.dim(3), Lk = k.dim(2);
  expect(k.dim(0) == B && k.dim(1) == H && k.dim(3) == D, op,
         "k " + to_string(k.shape()) + " does not match q " + to_string(q.shape()));
  expect(v.dim(0) == B && v.dim(1) == H && v.dim(2) == Lk, op,
         "v " + to_string(v.shape()) + " does not match k " + to_string(k.shape()));
  if (mask.defined()) {
    expect_dtype(mask, DType::F32, op, "mask");
    expect(broadcasts_to(mask.shape(), {B, H, Lq, Lk}), op,
           "mask " + to_string(mask.shape()) + " does not broadcast to " + to_string(Shape{B, H, Lq, Lk}));
  }
  expect_same_device({&q, &k, &v, &mask}, op);
  AttentionParams p{scale > 0 ? scale : static_cast<float>(1.0 / std::sqrt(double(D))), causal, mask.defined()};
  Tensor y = new_like(q, {B, H, Lq, v.dim(3)});
  launch(op, {q, k, v, mask}, {y}, &p);
  return y;
}

}  // namespace vkflow::ops
