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
  int32_t gelu = 0;          // "linear_fused" only
  int32_t has_residual = 0;  // "linear_fused" only
};
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias = {});

// What to do with linear's result before it is stored: y = gelu?(x @ w^T + bias) + residual.
struct LinearEpilogue {
  bool gelu = false;  // erf form, as ops::gelu
  Tensor residual;    // shaped as y, or undefined
};
// op "linear_fused": inputs {x, w, bias or undefined, residual or undefined}, LinearParams with
// the epilogue's flags; one kernel where the device has it (Vulkan: every GEMM path stores
// through it), else linear followed by gelu and add, with the same result.
Tensor linear(const Tensor& x, const Tensor& w, const Tensor& bias, const LinearEpilogue& ep);

// op "matmul": inputs {a [..., M, K] f32, b [..., K, N] f32 (or [..., N, K] when trans_b)};
// b's batch dimensions equal a's or b is rank 2 (shared by every batch); output [..., M, N].
struct MatmulParams {
  int32_t trans_b = 0;
};
Tensor matmul(const Tensor& a, const Tensor& b, bool trans_b = false);

}  // namespace vkflow::ops
