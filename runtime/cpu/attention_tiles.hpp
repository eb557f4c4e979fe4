#pragma once
// The two inner products of tiled attention, with AVX2 register-blocked versions:
//   scores: S[i][j] = sum_d Q[i][d] * Kt[d][j] for a key tile stored transposed (Kt [D][ldk])
//   pv:     O[i][:] += sum_j P[i][j] * V[j][:]
#include <cstdint>

namespace vkflow::cpu {

constexpr int64_t kAttnKeyTile = 64;  // keys per tile (columns of S, ldk of Kt)

void attn_scores(const float* q, int64_t nq, int64_t D, const float* kt, int64_t nk, float* s);
void attn_pv(const float* p, int64_t nq, int64_t nk, const float* v, int64_t Dv, float* o);

namespace avx2 {
void attn_scores(const float* q, int64_t nq, int64_t D, const float* kt, int64_t nk, float* s);
void attn_pv(const float* p, int64_t nq, int64_t nk, const float* v, int64_t Dv, float* o);
}  // namespace avx2

}  // namespace vkflow::cpu
