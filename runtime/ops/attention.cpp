#include "runtime/ops/attention.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/op_common.hpp"
#include "runtime/ops/softmax.hpp"

namespace vkflow::ops {
namespace {

// The Vulkan kernels keep a query row's head in registers (head dims <= 256). Wider heads (the
// SD/FLUX VAE's single 512-wide head) run as scores = q·kᵀ, softmax, ·v in blocks of query
// rows, so no more than ~64 MiB of scores exist at a time.
Tensor attention_by_blocks(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask, float scale) {
  const int64_t B = q.dim(0), H = q.dim(1), Lq = q.dim(2), Lk = k.dim(2);
  const int64_t rows = std::clamp<int64_t>((int64_t(64) << 20) / 4 / std::max<int64_t>(1, B * H * Lk), 1, Lq);
  std::vector<Tensor> parts;
  for (int64_t r0 = 0; r0 < Lq; r0 += rows) {
    const int64_t r1 = std::min(Lq, r0 + rows);
    const Tensor qc = rows == Lq ? q : slice(q, 2, r0, r1);
    Tensor mc = mask;
    if (mask.defined() && mask.rank() == 4 && mask.dim(2) == Lq && rows != Lq) mc = slice(mask, 2, r0, r1);
    parts.push_back(matmul(softmax(matmul(qc, k, /*trans_b=*/true), scale, mc), v));
  }
  return parts.size() == 1 ? parts.front() : concat(parts, 2);
}

}  // namespace

Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask,
                 bool causal, float scale) {
  constexpr std::string_view op = "attention";
  expect_dtype(q, DType::F32, op, "q");
  if (k.dtype() == DType::F16 && v.dtype() == DType::F16) {
    VKFLOW_EXPECT(k.device().supports(op, DType::F16), op, "f16 k and v are not supported on " + k.device().name());
  } else {
    expect_dtype(k, DType::F32, op, "k");
    expect_dtype(v, DType::F32, op, "v");
  }
  expect_rank(q, 4, op, "q", "[B, H, Lq, D]");
  expect_rank(k, 4, op, "k", "[B, H, Lk, D]");
  expect_rank(v, 4, op, "v", "[B, H, Lk, Dv]");
  int64_t B = q.dim(0), H = q.dim(1), Lq = q.dim(2), D = q.dim(3), Lk = k.dim(2);
  VKFLOW_EXPECT(k.dim(0) == B && k.dim(1) == H && k.dim(3) == D, op,
         "k " + to_string(k.shape()) + " does not match q " + to_string(q.shape()));
  VKFLOW_EXPECT(v.dim(0) == B && v.dim(1) == H && v.dim(2) == Lk, op,
         "v " + to_string(v.shape()) + " does not match k " + to_string(k.shape()));
  if (mask.defined()) {
    expect_dtype(mask, DType::F32, op, "mask");
    VKFLOW_EXPECT(broadcasts_to(mask.shape(), {B, H, Lq, Lk}), op,
           "mask " + to_string(mask.shape()) + " does not broadcast to " + to_string(Shape{B, H, Lq, Lk}));
  }
  expect_same_device({&q, &k, &v, &mask}, op);
  AttentionParams p{scale > 0 ? scale : static_cast<float>(1.0 / std::sqrt(double(D))), causal, mask.defined()};
  if (q.device().kind() != DeviceKind::Cpu && (D > 256 || v.dim(3) > 256)) {
    VKFLOW_EXPECT(!causal, op, "causal attention with head dims above 256 is not supported on this device");
    return attention_by_blocks(q, k, v, mask, p.scale);
  }
  Tensor y = new_like(q, {B, H, Lq, v.dim(3)});
  launch(op, {q, k, v, mask}, {y}, &p);
  return y;
}

}  // namespace vkflow::ops
