// AVX2/FMA/F16C matvec. Each weight row is streamed alone, front to back, against all M
// activation rows at once (the hardware prefetcher follows one sequential stream at close to
// full bandwidth; four interleaved row streams measured ~half of it), so each 8-element
// group of f16/bf16 is converted once. Sums of four rows are reduced together.
#include <immintrin.h>

#include <algorithm>

#include "runtime/core/convert.hpp"
#include "runtime/cpu/matvec.hpp"

namespace vkflow::cpu::avx2 {
namespace {

template <bool BF>
inline __m256 load16(const uint16_t* p) {
  __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  if constexpr (BF) return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  else return _mm256_cvtph_ps(h);
}
template <bool BF>
inline float scalar16(uint16_t v) {
  if constexpr (BF) return vkflow::bf16_to_f32(v);
  else return vkflow::f16_to_f32(v);
}

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

// One weight row wr (K elements, the first K8 in 8-wide groups) against MB activation rows:
// part[m] gets the 8 lane partial sums. One or two rows use two accumulator chains each.
template <int MB, bool BF>
inline void row_dot(const float* x, int64_t K, int64_t K8, const uint16_t* wr, __m256* part) {
  constexpr int U = MB <= 2 ? 2 : 1;
  __m256 acc[MB][U];
  for (int m = 0; m < MB; ++m)
    for (int u = 0; u < U; ++u) acc[m][u] = _mm256_setzero_ps();
  int64_t k = 0;
  for (; k + 8 * U <= K8; k += 8 * U)
    for (int u = 0; u < U; ++u) {
      const __m256 wv = load16<BF>(wr + k + 8 * u);
      for (int m = 0; m < MB; ++m) acc[m][u] = _mm256_fmadd_ps(_mm256_loadu_ps(x + m * K + k + 8 * u), wv, acc[m][u]);
    }
  for (; k < K8; k += 8) {
    const __m256 wv = load16<BF>(wr + k);
    for (int m = 0; m < MB; ++m) acc[m][0] = _mm256_fmadd_ps(_mm256_loadu_ps(x + m * K + k), wv, acc[m][0]);
  }
  for (int m = 0; m < MB; ++m) {
    part[m] = acc[m][0];
    for (int u = 1; u < U; ++u) part[m] = _mm256_add_ps(part[m], acc[m][u]);
  }
}

template <int MB, bool BF>
void matvec(const float* x, int64_t K, const uint16_t* w, int64_t n0, int64_t n1, const float* bias, float* y,
            int64_t ldy) {
  const int64_t K8 = K / 8 * 8;
  auto tail = [&](int m, int64_t n) {  // the last K % 8 products and the bias
    float t = bias ? bias[n] : 0.0f;
    for (int64_t k = K8; k < K; ++k) t += x[m * K + k] * scalar16<BF>(w[n * K + k]);
    return t;
  };
  int64_t n = n0;
  for (; n + 4 <= n1; n += 4) {
    __m256 part[4][MB];
    for (int r = 0; r < 4; ++r) row_dot<MB, BF>(x, K, K8, w + (n + r) * K, part[r]);
    for (int m = 0; m < MB; ++m) {
      alignas(16) float s[4];
      _mm_store_ps(s, hsum4(part[0][m], part[1][m], part[2][m], part[3][m]));
      for (int r = 0; r < 4; ++r) y[m * ldy + n + r] = s[r] + tail(m, n + r);
    }
  }
  for (; n < n1; ++n) {
    __m256 part[MB];
    row_dot<MB, BF>(x, K, K8, w + n * K, part);
    for (int m = 0; m < MB; ++m) y[m * ldy + n] = hsum1(part[m]) + tail(m, n);
  }
}

template <bool BF>
void dispatch(const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t n0, int64_t n1, const float* bias,
              float* y, int64_t ldy) {
  switch (M) {
    case 1: return matvec<1, BF>(x, K, w, n0, n1, bias, y, ldy);
    case 2: return matvec<2, BF>(x, K, w, n0, n1, bias, y, ldy);
    case 3: return matvec<3, BF>(x, K, w, n0, n1, bias, y, ldy);
    case 4: return matvec<4, BF>(x, K, w, n0, n1, bias, y, ldy);
    case 5: return matvec<5, BF>(x, K, w, n0, n1, bias, y, ldy);
    case 6: return matvec<6, BF>(x, K, w, n0, n1, bias, y, ldy);
    case 7: return matvec<7, BF>(x, K, w, n0, n1, bias, y, ldy);
    case 8: return matvec<8, BF>(x, K, w, n0, n1, bias, y, ldy);
    default: break;
  }
  for (int64_t m = 0; m < M; m += 8)  // more rows: passes of up to 8
    dispatch<BF>(x + m * K, std::min<int64_t>(8, M - m), K, w, n0, n1, bias, y + m * ldy, ldy);
}

}  // namespace

void matvec_16(DType wt, const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t n0, int64_t n1,
               const float* bias, float* y, int64_t ldy) {
  if (wt == DType::BF16) dispatch<true>(x, M, K, w, n0, n1, bias, y, ldy);
  else dispatch<false>(x, M, K, w, n0, n1, bias, y, ldy);
}

}  // namespace vkflow::cpu::avx2
