// AVX2/FMA/F16C matvec: a block of R weight rows (R = 4, or 1 for the tail) times MB activation
// rows (MB <= 2) keeps R*MB accumulators in registers; the four row sums are reduced together.
#include <immintrin.h>

#include "runtime/core/convert.hpp"
#include "runtime/cpu/matvec.hpp"

namespace vkflow::cpu::avx2 {
namespace {

inline __m256 load16(const uint16_t* p, bool bf) {
  __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  return bf ? _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16)) : _mm256_cvtph_ps(h);
}
inline float scalar16(uint16_t v, bool bf) { return bf ? vkflow::bf16_to_f32(v) : vkflow::f16_to_f32(v); }

// Sums of a0..a3 (8 lanes each) as one 4-lane vector.
inline __m128 hsum4(__m256 a0, __m256 a1, __m256 a2, __m256 a3) {
  __m256 t = _mm256_hadd_ps(_mm256_hadd_ps(a0, a1), _mm256_hadd_ps(a2, a3));
  return _mm_add_ps(_mm256_castps256_ps128(t), _mm256_extractf128_ps(t, 1));
}
inline float hsum1(__m256 s) {
  __m128 h = _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1));
  h = _mm_add_ps(h, _mm_movehl_ps(h, h));
  h = _mm_add_ss(h, _mm_movehdup_ps(h));
  return _mm_cvtss_f32(h);
}

// Rows n..n+R of w against rows m..m+MB of x; y points at y[m][n].
template <int R, int MB, bool BF>
void block(const float* x, int64_t K, const uint16_t* w, const float* bias, float* y, int64_t ldy) {
  __m256 acc[MB][R];
  for (int m = 0; m < MB; ++m)
    for (int r = 0; r < R; ++r) acc[m][r] = _mm256_setzero_ps();
  int64_t k = 0;
  for (; k + 8 <= K; k += 8) {
    __m256 wv[R];
    for (int r = 0; r < R; ++r) wv[r] = load16(w + r * K + k, BF);
    for (int m = 0; m < MB; ++m) {
      const __m256 xv = _mm256_loadu_ps(x + m * K + k);
      for (int r = 0; r < R; ++r) acc[m][r] = _mm256_fmadd_ps(xv, wv[r], acc[m][r]);
    }
  }
  for (int m = 0; m < MB; ++m) {
    float s[R];
    if constexpr (R == 4) _mm_storeu_ps(s, hsum4(acc[m][0], acc[m][1], acc[m][2], acc[m][3]));
    else
      for (int r = 0; r < R; ++r) s[r] = hsum1(acc[m][r]);
    for (int r = 0; r < R; ++r) {
      for (int64_t kk = k; kk < K; ++kk) s[r] += x[m * K + kk] * scalar16(w[r * K + kk], BF);
      y[m * ldy + r] = s[r] + (bias ? bias[r] : 0.0f);
    }
  }
}

template <int R, bool BF>
void rows(const float* x, int64_t M, int64_t K, const uint16_t* w, const float* bias, float* y, int64_t ldy) {
  int64_t m = 0;
  for (; m + 2 <= M; m += 2) block<R, 2, BF>(x + m * K, K, w, bias, y + m * ldy, ldy);
  if (m < M) block<R, 1, BF>(x + m * K, K, w, bias, y + m * ldy, ldy);
}

template <bool BF>
void matvec(const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t n0, int64_t n1, const float* bias,
            float* y, int64_t ldy) {
  int64_t n = n0;
  for (; n + 4 <= n1; n += 4) rows<4, BF>(x, M, K, w + n * K, bias ? bias + n : nullptr, y + n, ldy);
  for (; n < n1; ++n) rows<1, BF>(x, M, K, w + n * K, bias ? bias + n : nullptr, y + n, ldy);
}

}  // namespace

void matvec_16(DType wt, const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t n0, int64_t n1,
               const float* bias, float* y, int64_t ldy) {
  if (wt == DType::BF16) matvec<true>(x, M, K, w, n0, n1, bias, y, ldy);
  else matvec<false>(x, M, K, w, n0, n1, bias, y, ldy);
}

}  // namespace vkflow::cpu::avx2
