#pragma once
// Matrix products: "linear" (activations times a stored weight, any weight dtype) and
// "matmul" (batched product of two f32 activations).
#include <cstdint>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "linear": inputs {x [..., K] f32, w [N, K] (f32, f16, bf16 or a GGUF block type; K a
// multiple of the block size), bias [N] f32 or undefined}; output y [..., N] f32,
// y = x @ w^T + bias (PyTorch nn.Linear). Device::supports("linear", w.dtype()).
struct LinearParams {
  int32_t has_bias = 0;
  int32_t gelu = 0;          // "linear_fused" only, as the next three
  int32_t has_residual = 0;
  int32_t has_norm = 0;
  float norm_eps = 1e-5f;
};
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias = {});

// What linear does around its product: y = gelu?(LN(x) @ w^T + bias) + residual, where LN is
// layer_norm(x, norm_w, norm_b, norm_eps) when norm_w is given (norm_b then too).
struct LinearFusion {
  Tensor norm_w{}, norm_b{};  // [K] f32 each, or undefined (no layer norm first)
  float norm_eps = 1e-5f;
  bool gelu = false;         // erf form, as ops::gelu
  Tensor residual{};         // shaped as y, or undefined
};
// op "linear_fused": inputs {x, w, bias, residual, norm_w, norm_b} (absent ones undefined),
// LinearParams with the fusion's flags; one kernel where the device has it (Vulkan: every
// GEMM path applies the epilogue as it stores; the layer norm is the few-row matvec's
// prologue, a separate pass before the others), else layer_norm, linear, gelu and add, with
// the same result.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias, const LinearFusion& f);

// op "matmul": inputs {a [..., M, K] f32, b [..., K, N] f32 (or [..., N, K] when trans_b)};
// b's batch dimensions equal a's or b is rank 2 (shared by every batch); output [..., M, N].
struct MatmulParams {
  int32_t trans_b = 0;
};
Tensor matmul(const Tensor& a, const Tensor& b, bool trans_b = false);

}  // namespace vkflow::ops
