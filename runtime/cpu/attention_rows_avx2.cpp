// AVX2/FMA inner products of few-row attention: eight keys' dot products accumulate in eight
// registers and are reduced together into one vector of eight scores; P @ V keeps up to 64
// output columns in registers while the value rows stream. Keys/values f32 or f16 (F16C).
#include <immintrin.h>

#include <algorithm>

#include "runtime/core/convert.hpp"
#include "runtime/cpu/attention_rows.hpp"

namespace vkflow::cpu::avx2 {
namespace {

inline __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
inline __m256 load8(const uint16_t* p) { return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p))); }
inline float scalar(float v) { return v; }
inline float scalar(uint16_t v) { return vkflow::f16_to_f32(v); }

// Lane r of the result is the sum of a[r]'s eight lanes.
inline __m256 reduce8(const __m256* a) {
  __m256 u0 = _mm256_hadd_ps(_mm256_hadd_ps(a[0], a[1]), _mm256_hadd_ps(a[2], a[3]));
  __m256 u1 = _mm256_hadd_ps(_mm256_hadd_ps(a[4], a[5]), _mm256_hadd_ps(a[6], a[7]));
  return _mm256_add_ps(_mm256_permute2f128_ps(u0, u1, 0x20), _mm256_permute2f128_ps(u0, u1, 0x31));
}

template <int NV, class KV>
void pv_cols(const float* p, int64_t nk, const KV* v, int64_t Dv, float* o) {
  __m256 acc[NV];
  for (int r = 0; r < NV; ++r) acc[r] = _mm256_loadu_ps(o + 8 * r);
  for (int64_t j = 0; j < nk; ++j) {
    const __m256 pj = _mm256_broadcast_ss(p + j);
    const KV* vj = v + j * Dv;
    for (int r = 0; r < NV; ++r) acc[r] = _mm256_fmadd_ps(pj, load8(vj + 8 * r), acc[r]);
  }
  for (int r = 0; r < NV; ++r) _mm256_storeu_ps(o + 8 * r, acc[r]);
}

}  // namespace

template <class KV>
void attn_row_scores(const float* q, int64_t nq, const KV* k, int64_t nk, int64_t D, float* s, int64_t ld) {
  const int64_t D8 = D / 8 * 8;
  int64_t j0 = 0;
  for (; j0 + 8 <= nk; j0 += 8) {
    const KV* kb = k + j0 * D;
    for (int64_t i = 0; i < nq; ++i) {
      const float* qi = q + i * D;
      __m256 acc[8];
      for (int r = 0; r < 8; ++r) acc[r] = _mm256_setzero_ps();
      for (int64_t d = 0; d < D8; d += 8) {
        const __m256 qv = _mm256_loadu_ps(qi + d);
        for (int r = 0; r < 8; ++r) acc[r] = _mm256_fmadd_ps(qv, load8(kb + r * D + d), acc[r]);
      }
      __m256 sums = reduce8(acc);
      if (D8 < D) {
        alignas(32) float tail[8];
        for (int r = 0; r < 8; ++r) {
          float t = 0.0f;
          for (int64_t d = D8; d < D; ++d) t += qi[d] * scalar(kb[r * D + d]);
          tail[r] = t;
        }
        sums = _mm256_add_ps(sums, _mm256_load_ps(tail));
      }
      _mm256_storeu_ps(s + i * ld + j0, sums);
    }
  }
  for (; j0 < nk; ++j0) {  // fewer than eight keys left
    const KV* kj = k + j0 * D;
    for (int64_t i = 0; i < nq; ++i) {
      const float* qi = q + i * D;
      __m256 acc = _mm256_setzero_ps();
      for (int64_t d = 0; d < D8; d += 8) acc = _mm256_fmadd_ps(_mm256_loadu_ps(qi + d), load8(kj + d), acc);
      __m128 h = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
      h = _mm_add_ps(h, _mm_movehl_ps(h, h));
      h = _mm_add_ss(h, _mm_movehdup_ps(h));
      float t = _mm_cvtss_f32(h);
      for (int64_t d = D8; d < D; ++d) t += qi[d] * scalar(kj[d]);
      s[i * ld + j0] = t;
    }
  }
}

template <class KV>
void attn_row_pv(const float* p, int64_t nk, const KV* v, int64_t Dv, float* o) {
  int64_t c0 = 0;
  for (; Dv - c0 >= 64; c0 += 64) pv_cols<8, KV>(p, nk, v + c0, Dv, o + c0);
  switch ((Dv - c0) / 8) {
    case 7: pv_cols<7, KV>(p, nk, v + c0, Dv, o + c0); break;
    case 6: pv_cols<6, KV>(p, nk, v + c0, Dv, o + c0); break;
    case 5: pv_cols<5, KV>(p, nk, v + c0, Dv, o + c0); break;
    case 4: pv_cols<4, KV>(p, nk, v + c0, Dv, o + c0); break;
    case 3: pv_cols<3, KV>(p, nk, v + c0, Dv, o + c0); break;
    case 2: pv_cols<2, KV>(p, nk, v + c0, Dv, o + c0); break;
    case 1: pv_cols<1, KV>(p, nk, v + c0, Dv, o + c0); break;
    default: break;
  }
  c0 += (Dv - c0) / 8 * 8;
  for (int64_t c = c0; c < Dv; ++c) {  // scalar tail
    float acc = o[c];
    for (int64_t j = 0; j < nk; ++j) acc += p[j] * scalar(v[j * Dv + c]);
    o[c] = acc;
  }
}

template void attn_row_scores<float>(const float*, int64_t, const float*, int64_t, int64_t, float*, int64_t);
template void attn_row_scores<uint16_t>(const float*, int64_t, const uint16_t*, int64_t, int64_t, float*, int64_t);
template void attn_row_pv<float>(const float*, int64_t, const float*, int64_t, float*);
template void attn_row_pv<uint16_t>(const float*, int64_t, const uint16_t*, int64_t, float*);

}  // namespace vkflow::cpu::avx2
