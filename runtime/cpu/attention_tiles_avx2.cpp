// AVX2/FMA attention tiles: one query row's 64 scores live in 8 registers while the head
// dimension streams; P @ V keeps up to 64 output columns of a row in registers.
#include <immintrin.h>

#include <algorithm>

#include "runtime/cpu/attention_tiles.hpp"

namespace vkflow::cpu::avx2 {

void attn_scores(const float* q, int64_t nq, int64_t D, const float* kt, int64_t nk, float* s) {
  static_assert(kAttnKeyTile == 64);
  (void)nk;  // columns past nk read padding (zeros) and are ignored by the caller
  for (int64_t i = 0; i < nq; ++i) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    const float* qi = q + i * D;
    for (int64_t d = 0; d < D; ++d) {
      __m256 qv = _mm256_broadcast_ss(qi + d);
      const float* k = kt + d * kAttnKeyTile;
      a0 = _mm256_fmadd_ps(qv, _mm256_load_ps(k), a0);
      a1 = _mm256_fmadd_ps(qv, _mm256_load_ps(k + 8), a1);
      a2 = _mm256_fmadd_ps(qv, _mm256_load_ps(k + 16), a2);
      a3 = _mm256_fmadd_ps(qv, _mm256_load_ps(k + 24), a3);
      a4 = _mm256_fmadd_ps(qv, _mm256_load_ps(k + 32), a4);
      a5 = _mm256_fmadd_ps(qv, _mm256_load_ps(k + 40), a5);
      a6 = _mm256_fmadd_ps(qv, _mm256_load_ps(k + 48), a6);
      a7 = _mm256_fmadd_ps(qv, _mm256_load_ps(k + 56), a7);
    }
    float* si = s + i * kAttnKeyTile;
    _mm256_store_ps(si, a0);
    _mm256_store_ps(si + 8, a1);
    _mm256_store_ps(si + 16, a2);
    _mm256_store_ps(si + 24, a3);
    _mm256_store_ps(si + 32, a4);
    _mm256_store_ps(si + 40, a5);
    _mm256_store_ps(si + 48, a6);
    _mm256_store_ps(si + 56, a7);
  }
}

namespace {
// O[i][c0, c0 + 8*NV) += P[i][:nk] @ V[:nk][c0, c0 + 8*NV), accumulators in registers.
template <int NV>
void pv_block(const float* pi, int64_t nk, const float* v, int64_t Dv, int64_t c0, float* oi) {
  __m256 acc[NV];
  for (int r = 0; r < NV; ++r) acc[r] = _mm256_loadu_ps(oi + c0 + 8 * r);
  for (int64_t j = 0; j < nk; ++j) {
    __m256 pj = _mm256_broadcast_ss(pi + j);
    const float* vj = v + j * Dv + c0;
    for (int r = 0; r < NV; ++r) acc[r] = _mm256_fmadd_ps(pj, _mm256_loadu_ps(vj + 8 * r), acc[r]);
  }
  for (int r = 0; r < NV; ++r) _mm256_storeu_ps(oi + c0 + 8 * r, acc[r]);
}
}  // namespace

void attn_pv(const float* p, int64_t nq, int64_t nk, const float* v, int64_t Dv, float* o) {
  for (int64_t i = 0; i < nq; ++i) {
    const float* pi = p + i * kAttnKeyTile;
    float* oi = o + i * Dv;
    int64_t c0 = 0;
    while (Dv - c0 >= 8) {
      int64_t nv = std::min<int64_t>(8, (Dv - c0) / 8);
      switch (nv) {
        case 1: pv_block<1>(pi, nk, v, Dv, c0, oi); break;
        case 2: pv_block<2>(pi, nk, v, Dv, c0, oi); break;
        case 3: pv_block<3>(pi, nk, v, Dv, c0, oi); break;
        case 4: pv_block<4>(pi, nk, v, Dv, c0, oi); break;
        case 5: pv_block<5>(pi, nk, v, Dv, c0, oi); break;
        case 6: pv_block<6>(pi, nk, v, Dv, c0, oi); break;
        case 7: pv_block<7>(pi, nk, v, Dv, c0, oi); break;
        default: pv_block<8>(pi, nk, v, Dv, c0, oi); break;
      }
      c0 += 8 * nv;
    }
    for (int64_t c = c0; c < Dv; ++c) {  // scalar tail
      float acc = oi[c];
      for (int64_t j = 0; j < nk; ++j) acc += pi[j] * v[j * Dv + c];
      oi[c] = acc;
    }
  }
}

}  // namespace vkflow::cpu::avx2
