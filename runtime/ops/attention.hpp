#pragma once
// Scaled dot-product attention, memory-efficient: backends never materialise the full
// Lq x Lk score matrix (tiles with an online softmax), so SD1.5's 4096-token
// self-attention needs O(L * D) memory.
#include <cstdint>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "attention": inputs {q [B, H, Lq, D], k [B, H, Lk, D], v [B, H, Lk, Dv], mask f32
// broadcastable to [B, H, Lq, Lk] or undefined}, all f32 — k and v may both be f16 where
// Device::supports("attention", F16) (a decoder's cached keys/values at half the bytes);
// output [B, H, Lq, Dv] f32.
// out = softmax(q k^T * scale + mask [+ causal]) v. causal: query i sees keys j <= i
// (PyTorch is_causal, top-left aligned). A query that sees no key gets zeros.
struct AttentionParams {
  float scale = 1.0f;
  int32_t causal = 0;
  int32_t has_mask = 0;  // set by the front-end
};
// scale <= 0 means 1/sqrt(D).
Tensor attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& mask = {},
                 bool causal = false, float scale = 0.0f);

}  // namespace vkflow::ops
