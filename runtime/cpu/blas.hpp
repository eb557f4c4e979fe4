#pragma once
// Row-major single-precision GEMM through OpenBLAS: C = alpha * op(A) @ op(B) + beta * C,
// op(A) [M, K], op(B) [K, N]. Called from kernel bodies (not inside parallel_for chunks):
// OpenBLAS parallelises one call with its own threads.
#include <cstdint>

namespace vkflow::cpu {

void sgemm(bool trans_a, bool trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float* A,
           int64_t lda, const float* B, int64_t ldb, float beta, float* C, int64_t ldc);

}  // namespace vkflow::cpu
