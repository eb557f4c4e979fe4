// AVX2 dequantization of the most common GGUF block types (Q8_0, Q4_0, Q4_K). Results must
// equal the scalar reference bit for bit, so multiply and subtract stay separate roundings:
// no contraction into FMA in this file.
#pragma GCC optimize("fp-contract=off")
#include <immintrin.h>

#include <cstring>

#include "runtime/core/convert.hpp"
#include "runtime/cpu/vec.hpp"

namespace vkflow::cpu::avx2 {
namespace {

float half_at(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return vkflow::f16_to_f32(h);
}

// 8 unsigned bytes -> 8 floats.
__m256 u8x8(const uint8_t* p) { return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)))); }

void q8_0_block(const uint8_t* b, float* y) {
  __m256 d = _mm256_set1_ps(half_at(b));
  for (int k = 0; k < 4; ++k) {
    __m256i q = _mm256_cvtepi8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(b + 2 + 8 * k)));
    _mm256_storeu_ps(y + 8 * k, _mm256_mul_ps(_mm256_cvtepi32_ps(q), d));
  }
}

void q4_0_block(const uint8_t* b, float* y) {
  __m256 d = _mm256_set1_ps(half_at(b));
  alignas(16) uint8_t lo[16], hi[16];
  for (int j = 0; j < 16; ++j) {
    lo[j] = b[2 + j] & 0x0F;
    hi[j] = b[2 + j] >> 4;
  }
  const __m256 eight = _mm256_set1_ps(8.0f);  // q - 8 is exact in float
  for (int k = 0; k < 2; ++k) {
    _mm256_storeu_ps(y + 8 * k, _mm256_mul_ps(_mm256_sub_ps(u8x8(lo + 8 * k), eight), d));
    _mm256_storeu_ps(y + 16 + 8 * k, _mm256_mul_ps(_mm256_sub_ps(u8x8(hi + 8 * k), eight), d));
  }
}

void scale_min_k4(int j, const uint8_t* q, uint8_t& d, uint8_t& m) {
  if (j < 4) {
    d = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

void q4_k_block(const uint8_t* b, float* y) {
  float d = half_at(b), dmin = half_at(b + 2);
  const uint8_t* sc = b + 4;
  const uint8_t* q = b + 16;
  alignas(32) uint8_t lo[32], hi[32];
  for (int j = 0, is = 0; j < 256; j += 64, is += 2, q += 32) {
    uint8_t s, m;
    scale_min_k4(is, sc, s, m);
    __m256 d1 = _mm256_set1_ps(d * s), m1 = _mm256_set1_ps(dmin * m);
    scale_min_k4(is + 1, sc, s, m);
    __m256 d2 = _mm256_set1_ps(d * s), m2 = _mm256_set1_ps(dmin * m);
    for (int l = 0; l < 32; ++l) {
      lo[l] = q[l] & 0xF;
      hi[l] = q[l] >> 4;
    }
    for (int k = 0; k < 4; ++k) {
      _mm256_storeu_ps(y + 8 * k, _mm256_sub_ps(_mm256_mul_ps(d1, u8x8(lo + 8 * k)), m1));
      _mm256_storeu_ps(y + 32 + 8 * k, _mm256_sub_ps(_mm256_mul_ps(d2, u8x8(hi + 8 * k)), m2));
    }
    y += 64;
  }
}

}  // namespace

bool dequantize_row(DType t, const void* src, float* dst, int64_t n) {
  void (*fn)(const uint8_t*, float*) = nullptr;
  switch (t) {
    case DType::Q8_0: fn = q8_0_block; break;
    case DType::Q4_0: fn = q4_0_block; break;
    case DType::Q4_K: fn = q4_k_block; break;
    default: return false;
  }
  const DTypeInfo& info = dtype_info(t);
  if (n % info.block_elems) return false;  // let the reference path raise the error
  const auto* p = static_cast<const uint8_t*>(src);
  for (int64_t i = 0; i < n / info.block_elems; ++i) fn(p + i * info.block_bytes, dst + i * info.block_elems);
  return true;
}

}  // namespace vkflow::cpu::avx2
