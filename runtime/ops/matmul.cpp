#include "runtime/ops/matmul.hpp"

#include "runtime/ops/binary.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/op_common.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::ops {

namespace {
// Checks linear's operands; returns y's shape.
Shape linear_shape(const Tensor& x, const Tensor& w, const Tensor& bias) {
  constexpr std::string_view op = "linear";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 1, op, "x must have at least one dimension");
  expect_rank(w, 2, op, "weight", "[N, K]");
  int64_t K = x.dim(-1), N = w.dim(0);
  VKFLOW_EXPECT(w.dim(1) == K, op, "weight " + to_string(w.shape()) + " does not match x " + to_string(x.shape()) + " (K = " + std::to_string(K) + ")");
  const DTypeInfo& wi = dtype_info(w.dtype());
  VKFLOW_EXPECT(wi.floating || wi.quantized, op, "weight dtype " + std::string(wi.name) + " is not a float or GGUF block type");
  VKFLOW_EXPECT(K % wi.block_elems == 0, op, "K = " + std::to_string(K) + " is not a multiple of the " + std::string(wi.name) + " block size");
  if (bias.defined()) {
    expect_dtype(bias, DType::F32, op, "bias");
    VKFLOW_EXPECT(bias.numel() == N && bias.rank() == 1, op, "bias must be [" + std::to_string(N) + "], got " + to_string(bias.shape()));
  }
  expect_same_device({&x, &w, &bias}, op);
  Shape s = x.shape();
  s.back() = N;
  return s;
}
}  // namespace

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias) {
  Tensor y = new_like(x, linear_shape(x, w, bias));
  LinearParams p{bias.defined() ? 1 : 0};
  launch("linear", {x, w, bias}, {y}, &p);
  return y;
}

Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias, const LinearFusion& ep) {
  constexpr std::string_view op = "linear_fused";
  const Shape s = linear_shape(x, w, bias);
  const bool norm = ep.norm_w.defined();
  if (norm) {
    const int64_t K = x.dim(-1);
    VKFLOW_EXPECT(ep.norm_b.defined(), op, "norm_b is needed with norm_w");
    expect_dtype(ep.norm_w, DType::F32, op, "norm_w");
    expect_dtype(ep.norm_b, DType::F32, op, "norm_b");
    VKFLOW_EXPECT(ep.norm_w.numel() == K && ep.norm_b.numel() == K, op, "norm_w and norm_b must have " + std::to_string(K) + " elements");
    expect_same_device({&x, &ep.norm_w, &ep.norm_b}, op);
  }
  if (ep.residual.defined()) {
    expect_dtype(ep.residual, DType::F32, op, "residual");
    VKFLOW_EXPECT(ep.residual.shape() == s, op, "residual " + to_string(ep.residual.shape()) + " must be the result's " + to_string(s));
    expect_same_device({&x, &ep.residual}, op);
  }
  if (!ep.gelu && !ep.residual.defined() && !norm) return linear(x, w, bias);
  if (!x.device().supports(op, w.dtype())) {
    Tensor y = linear(norm ? layer_norm(x, ep.norm_w, ep.norm_b, ep.norm_eps) : x, w, bias);
    if (ep.gelu) y = gelu(y);
    return ep.residual.defined() ? add(ep.residual, y) : y;
  }
  Tensor y = new_like(x, s);
  LinearParams p{bias.defined() ? 1 : 0, ep.gelu ? 1 : 0, ep.residual.defined() ? 1 : 0, norm ? 1 : 0, ep.norm_eps};
  launch(op, {x, w, bias, ep.residual, ep.norm_w, ep.norm_b}, {y}, &p);
  return y;
}

Tensor matmul(const Tensor& a, const Tensor& b, bool trans_b) {
  constexpr std::string_view op = "matmul";
  expect_dtype(a, DType::F32, op, "a");
  expect_dtype(b, DType::F32, op, "b");
  VKFLOW_EXPECT(a.rank() >= 2 && b.rank() >= 2, op, "a and b need at least 2 dimensions");
  int64_t M = a.dim(-2), K = a.dim(-1);
  int64_t bk = trans_b ? b.dim(-1) : b.dim(-2), N = trans_b ? b.dim(-2) : b.dim(-1);
  VKFLOW_EXPECT(bk == K, op, "inner dimensions differ: a " + to_string(a.shape()) + ", b " + to_string(b.shape()) + (trans_b ? " (b transposed)" : ""));
  if (b.rank() != 2) {
    bool same = b.rank() == a.rank();
    for (int i = 0; same && i < a.rank() - 2; ++i) same = a.shape()[i] == b.shape()[i];
    VKFLOW_EXPECT(same, op, "batch dimensions of b " + to_string(b.shape()) + " must equal a's " + to_string(a.shape()) + " or b must be 2-D");
  }
  expect_same_device({&a, &b}, op);
  Shape s = a.shape();
  s[s.size() - 2] = M;
  s.back() = N;
  Tensor y = new_like(a, s);
  MatmulParams p{trans_b ? 1 : 0};
  launch(op, {a, b}, {y}, &p);
  return y;
}

}  // namespace vkflow::ops
