#pragma once
// Products of a few activation rows with a 16-bit weight matrix (token-by-token decoding):
// y[m][n] = sum_k x[m][k] * w[n][k] (+ bias[n]) for M <= kMatvecMaxRows rows. Memory-bound,
// so the weight is streamed once: the AVX2 version reads each weight row once, front to
// back, against every activation row, converting each 8-element group of f16/bf16 once.
#include <cstdint>

#include "runtime/core/dtype.hpp"

namespace vkflow::cpu {

constexpr int64_t kMatvecMaxRows = 8;

// Weight rows [n0, n1) of w [N, K] (dtype F16 or BF16, rows of K elements); x [M, K] f32;
// writes y[m * ldy + n] for those rows. bias: [N] f32 or null.
void matvec_16(DType wt, const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t n0, int64_t n1,
               const float* bias, float* y, int64_t ldy);

// The whole product, rows split over the thread pool in contiguous groups.
void matvec_16_parallel(DType wt, const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t N,
                        const float* bias, float* y);

namespace avx2 {
void matvec_16(DType wt, const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t n0, int64_t n1,
               const float* bias, float* y, int64_t ldy);
}  // namespace avx2

}  // namespace vkflow::cpu
