// CPU kernels of "linear", "linear_fused" and "matmul". f32 weights go straight to OpenBLAS; f16/bf16/GGUF
// weights are dequantized a bounded tile of rows at a time (never the whole matrix) and each
// tile multiplied with one GEMM.
#include <algorithm>

#include "runtime/cpu/blas.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/matvec.hpp"
#include "runtime/cpu/row_ops.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/matmul.hpp"

namespace vkflow::cpu {
namespace {

// Bytes of f32 weight tile dequantized at once (fits in L2/L3 alongside the activations).
constexpr int64_t kTileBytes = 4 << 20;

void add_bias(float* y, const float* bias, int64_t M, int64_t N) {
  parallel_for(M, std::max<int64_t>(1, 16384 / std::max<int64_t>(N, 1)), [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i)
      for (int64_t j = 0; j < N; ++j) y[i * N + j] += bias[j];
  });
}

// y [M, N] = x [M, K] @ w^T (+ bias): the product behind linear and linear_fused.
void linear_rows(const float* xp, int64_t M, int64_t K, const Tensor& w, const float* bias, float* y) {
  const int64_t N = w.dim(0);
  if (M <= kMatvecMaxRows && (w.dtype() == DType::F16 || w.dtype() == DType::BF16)) {
    // Few activation rows (token-by-token decoding): a memory-bound matvec that streams the
    // weight once, the bias added on the way out.
    matvec_16_parallel(w.dtype(), xp, M, K, static_cast<const uint16_t*>(w.host_data()), N, bias, y);
    return;
  }
  if (M <= kMatvecMaxRows && w.dtype() != DType::F32) {
    // GGUF blocks: one dequantized row in L1 per dot product.
    const auto* wb = static_cast<const uint8_t*>(w.host_data());
    size_t row_bytes = dtype_bytes(w.dtype(), K);
    parallel_for(N, 16, [&](int64_t b, int64_t e) {
      Scratch<float> row(static_cast<size_t>(K));
      for (int64_t n = b; n < e; ++n) {
        row_to_f32(w.dtype(), wb + n * row_bytes, row.data(), K);
        for (int64_t m = 0; m < M; ++m) y[m * N + n] = dot(xp + m * K, row.data(), K);
      }
    });
  } else if (w.dtype() == DType::F32) {
    sgemm(false, true, M, N, K, 1.0f, xp, K, w.data<float>(), K, 0.0f, y, N);
  } else {
    int64_t nb = std::clamp<int64_t>(kTileBytes / std::max<int64_t>(K * 4, 1), 16, std::max<int64_t>(N, 16));
    nb = std::min(nb, N);
    Scratch<float> tile(static_cast<size_t>(nb * K));
    const auto* wb = static_cast<const uint8_t*>(w.host_data());
    size_t row_bytes = dtype_bytes(w.dtype(), K);
    for (int64_t n0 = 0; n0 < N; n0 += nb) {
      int64_t rows = std::min(nb, N - n0);
      parallel_for(rows, 4, [&](int64_t b, int64_t e) {
        for (int64_t r = b; r < e; ++r) row_to_f32(w.dtype(), wb + (n0 + r) * row_bytes, tile.data() + r * K, K);
      });
      sgemm(false, true, M, rows, K, 1.0f, xp, K, tile.data(), K, 0.0f, y + n0, N);
    }
  }
  if (bias) add_bias(y, bias, M, N);
}

void linear_kernel(const OpCall& c) {
  const auto& p = params_of<ops::LinearParams>(c);
  const Tensor& x = c.inputs[0];
  const int64_t K = x.dim(-1), M = x.numel() / std::max<int64_t>(K, 1);
  linear_rows(x.data<float>(), M, K, c.inputs[1], p.has_bias ? in_f32(c, 2) : nullptr, out_f32(c));
}

// y = gelu?(LN(x) @ w^T + bias) + residual in one op: the layer norm into a scratch copy of
// the rows, the product, then GELU and the residual on the output (the decoder's rows are
// short, so this saves the separate ops' dispatches and passes, not bandwidth).
void linear_fused_kernel(const OpCall& c) {
  const auto& p = params_of<ops::LinearParams>(c);
  const Tensor& x = c.inputs[0];
  const int64_t K = x.dim(-1), M = x.numel() / std::max<int64_t>(K, 1), N = c.inputs[1].dim(0);
  const float* xp = x.data<float>();
  Scratch<float> normed(p.has_norm ? static_cast<size_t>(M * K) : 1);
  if (p.has_norm) {
    const float *nw = in_f32(c, 4), *nb = in_f32(c, 5);
    parallel_for(M, std::max<int64_t>(1, 4096 / std::max<int64_t>(K, 1)), [&](int64_t lo, int64_t hi) {
      for (int64_t r = lo; r < hi; ++r) layer_norm_row(xp + r * K, K, p.norm_eps, nw, nb, normed.data() + r * K);
    });
    xp = normed.data();
  }
  float* y = out_f32(c);
  linear_rows(xp, M, K, c.inputs[1], p.has_bias ? in_f32(c, 2) : nullptr, y);
  if (!p.gelu && !p.has_residual) return;
  const float* res = p.has_residual ? in_f32(c, 3) : nullptr;
  parallel_for(M * N, 16384, [&](int64_t lo, int64_t hi) {
    if (p.gelu) gelu_inplace(y + lo, hi - lo);
    if (res)
      for (int64_t i = lo; i < hi; ++i) y[i] += res[i];
  });
}

void matmul_kernel(const OpCall& c) {
  const auto& p = params_of<ops::MatmulParams>(c);
  const Tensor &a = c.inputs[0], &b = c.inputs[1];
  int64_t M = a.dim(-2), K = a.dim(-1), N = p.trans_b ? b.dim(-2) : b.dim(-1);
  int64_t batch = a.numel() / std::max<int64_t>(M * K, 1);
  const float *ap = a.data<float>(), *bp = b.data<float>();
  float* y = out_f32(c);
  int64_t ldb = p.trans_b ? K : N;
  if (b.rank() == 2) {  // shared right operand: one GEMM over every batch's rows
    sgemm(false, p.trans_b, batch * M, N, K, 1.0f, ap, K, bp, ldb, 0.0f, y, N);
    return;
  }
  for (int64_t i = 0; i < batch; ++i)
    sgemm(false, p.trans_b, M, N, K, 1.0f, ap + i * M * K, K, bp + i * K * N, ldb, 0.0f, y + i * M * N, N);
}

VKFLOW_CPU_KERNEL("linear", linear_kernel, weight_type);
VKFLOW_CPU_KERNEL("linear_fused", linear_fused_kernel, weight_type);
VKFLOW_CPU_KERNEL("matmul", matmul_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
