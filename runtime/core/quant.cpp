#include "runtime/core/quant.hpp"

#include <cmath>
#include <cstring>
#include <string>

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"

// Block layouts (bytes, little-endian) as stored in GGUF files. Each dequantizer keeps the
// reference's order of float operations: the fixtures demand bit-exact results.
namespace vkflow {
namespace {

constexpr int QK = 32, QKK = 256;

float half_at(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return f16_to_f32(h);
}

// Q4_0: d (f16), 16 bytes of nibbles; element j in the low nibble, j + 16 in the high one.
void q4_0(const uint8_t* b, float* y) {
  float d = half_at(b);
  const uint8_t* qs = b + 2;
  for (int j = 0; j < QK / 2; ++j) {
    y[j] = static_cast<float>((qs[j] & 0x0F) - 8) * d;
    y[j + QK / 2] = static_cast<float>((qs[j] >> 4) - 8) * d;
  }
}

// Q4_1: d, m (f16), nibbles; x = q * d + m.
void q4_1(const uint8_t* b, float* y) {
  float d = half_at(b), m = half_at(b + 2);
  const uint8_t* qs = b + 4;
  for (int j = 0; j < QK / 2; ++j) {
    y[j] = static_cast<float>(qs[j] & 0x0F) * d + m;
    y[j + QK / 2] = static_cast<float>(qs[j] >> 4) * d + m;
  }
}

// Q5_0: d, 32 high bits (u32), nibbles; 5-bit q - 16.
void q5_0(const uint8_t* b, float* y) {
  float d = half_at(b);
  uint32_t qh;
  std::memcpy(&qh, b + 2, 4);
  const uint8_t* qs = b + 6;
  for (int j = 0; j < QK / 2; ++j) {
    uint8_t h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
    y[j] = static_cast<float>(((qs[j] & 0x0F) | h0) - 16) * d;
    y[j + QK / 2] = static_cast<float>(((qs[j] >> 4) | h1) - 16) * d;
  }
}

// Q5_1: d, m, 32 high bits, nibbles; x = q * d + m.
void q5_1(const uint8_t* b, float* y) {
  float d = half_at(b), m = half_at(b + 2);
  uint32_t qh;
  std::memcpy(&qh, b + 4, 4);
  const uint8_t* qs = b + 8;
  for (int j = 0; j < QK / 2; ++j) {
    uint8_t h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
    y[j] = static_cast<float>((qs[j] & 0x0F) | h0) * d + m;
    y[j + QK / 2] = static_cast<float>((qs[j] >> 4) | h1) * d + m;
  }
}

// Q8_0: d, 32 int8.
void q8_0(const uint8_t* b, float* y) {
  float d = half_at(b);
  const int8_t* qs = reinterpret_cast<const int8_t*>(b + 2);
  for (int j = 0; j < QK; ++j) y[j] = static_cast<float>(qs[j]) * d;
}

// Q2_K: scales[16] (4-bit scale | 4-bit min), qs[64] (2-bit), d, dmin.
void q2_k(const uint8_t* b, float* y) {
  const uint8_t* sc = b;
  const uint8_t* q = b + 16;
  float d = half_at(b + 80), dmin = half_at(b + 82);
  int is = 0;
  for (int n = 0; n < QKK; n += 128) {
    int shift = 0;
    for (int j = 0; j < 4; ++j) {
      for (int half = 0; half < 2; ++half) {
        uint8_t s = sc[is++];
        float dl = d * static_cast<float>(s & 0xF), ml = dmin * static_cast<float>(s >> 4);
        for (int l = 0; l < 16; ++l)
          *y++ = dl * static_cast<float>(static_cast<int8_t>((q[l + 16 * half] >> shift) & 3)) - ml;
      }
      shift += 2;
    }
    q += 32;
  }
}

// Q3_K: hmask[32], qs[64] (low 2 bits), scales[12] (16 packed 6-bit scales), d.
void q3_k(const uint8_t* b, float* y) {
  const uint8_t* hm = b;
  const uint8_t* q = b + 32;
  float d_all = half_at(b + 108);
  uint32_t aux[4];
  std::memcpy(aux, b + 96, 12);
  const uint32_t km1 = 0x03030303u, km2 = 0x0f0f0f0fu, tmp = aux[2];
  aux[2] = ((aux[0] >> 4) & km2) | (((tmp >> 4) & km1) << 4);
  aux[3] = ((aux[1] >> 4) & km2) | (((tmp >> 6) & km1) << 4);
  aux[0] = (aux[0] & km2) | (((tmp >> 0) & km1) << 4);
  aux[1] = (aux[1] & km2) | (((tmp >> 2) & km1) << 4);
  int8_t scales[16];
  std::memcpy(scales, aux, 16);
  int is = 0;
  uint8_t m = 1;
  for (int n = 0; n < QKK; n += 128) {
    int shift = 0;
    for (int j = 0; j < 4; ++j) {
      for (int half = 0; half < 2; ++half) {
        float dl = d_all * static_cast<float>(scales[is++] - 32);
        for (int l = 0; l < 16; ++l) {
          int o = l + 16 * half;
          int v = static_cast<int8_t>((q[o] >> shift) & 3) - ((hm[o] & m) ? 0 : 4);
          *y++ = dl * static_cast<float>(v);
        }
      }
      shift += 2;
      m <<= 1;
    }
    q += 32;
  }
}

// 6-bit scale and min number j of the 12-byte K-quant scale array.
void scale_min_k4(int j, const uint8_t* q, uint8_t& d, uint8_t& m) {
  if (j < 4) {
    d = q[j] & 63;
    m = q[j + 4] & 63;
  } else {
    d = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// Q4_K: d, dmin, scales[12], qs[128]; 8 sub-blocks of 32 with 6-bit scale and min.
void q4_k(const uint8_t* b, float* y) {
  float d = half_at(b), dmin = half_at(b + 2);
  const uint8_t* sc = b + 4;
  const uint8_t* q = b + 16;
  for (int j = 0, is = 0; j < QKK; j += 64, is += 2, q += 32) {
    uint8_t s, m;
    scale_min_k4(is, sc, s, m);
    float d1 = d * s, m1 = dmin * m;
    scale_min_k4(is + 1, sc, s, m);
    float d2 = d * s, m2 = dmin * m;
    for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>(q[l] & 0xF) - m1;
    for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>(q[l] >> 4) - m2;
  }
}

// Q5_K: d, dmin, scales[12], qh[32], qs[128].
void q5_k(const uint8_t* b, float* y) {
  float d = half_at(b), dmin = half_at(b + 2);
  const uint8_t* sc = b + 4;
  const uint8_t* qh = b + 16;
  const uint8_t* ql = b + 48;
  uint8_t u1 = 1, u2 = 2;
  for (int j = 0, is = 0; j < QKK; j += 64, is += 2, ql += 32, u1 <<= 2, u2 <<= 2) {
    uint8_t s, m;
    scale_min_k4(is, sc, s, m);
    float d1 = d * s, m1 = dmin * m;
    scale_min_k4(is + 1, sc, s, m);
    float d2 = d * s, m2 = dmin * m;
    for (int l = 0; l < 32; ++l) *y++ = d1 * static_cast<float>((ql[l] & 0xF) + (qh[l] & u1 ? 16 : 0)) - m1;
    for (int l = 0; l < 32; ++l) *y++ = d2 * static_cast<float>((ql[l] >> 4) + (qh[l] & u2 ? 16 : 0)) - m2;
  }
}

// Q6_K: ql[128] (low 4 bits), qh[64] (high 2 bits), int8 scales[16], d.
void q6_k(const uint8_t* b, float* y) {
  const uint8_t* ql = b;
  const uint8_t* qh = b + 128;
  const int8_t* sc = reinterpret_cast<const int8_t*>(b + 192);
  float d = half_at(b + 208);
  for (int n = 0; n < QKK; n += 128, y += 128, ql += 64, qh += 32, sc += 8) {
    for (int l = 0; l < 32; ++l) {
      int is = l / 16;
      int q1 = static_cast<int8_t>((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
      int q2 = static_cast<int8_t>((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
      int q3 = static_cast<int8_t>((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
      int q4 = static_cast<int8_t>((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
      y[l] = d * static_cast<float>(sc[is]) * static_cast<float>(q1);
      y[l + 32] = d * static_cast<float>(sc[is + 2]) * static_cast<float>(q2);
      y[l + 64] = d * static_cast<float>(sc[is + 4]) * static_cast<float>(q3);
      y[l + 96] = d * static_cast<float>(sc[is + 6]) * static_cast<float>(q4);
    }
  }
}

using BlockFn = void (*)(const uint8_t*, float*);

BlockFn block_fn(DType t) {
  switch (t) {
    case DType::Q4_0: return q4_0;
    case DType::Q4_1: return q4_1;
    case DType::Q5_0: return q5_0;
    case DType::Q5_1: return q5_1;
    case DType::Q8_0: return q8_0;
    case DType::Q2_K: return q2_k;
    case DType::Q3_K: return q3_k;
    case DType::Q4_K: return q4_k;
    case DType::Q5_K: return q5_k;
    case DType::Q6_K: return q6_k;
    default: return nullptr;
  }
}

}  // namespace

void dequantize_blocks(DType t, const void* src, float* dst, int64_t n) {
  BlockFn fn = block_fn(t);
  if (!fn) throw Unsupported("no dequantizer for " + std::string(dtype_name(t)));
  const DTypeInfo& info = dtype_info(t);
  if (n % info.block_elems != 0)
    throw Error("dequantize " + std::string(info.name) + ": " + std::to_string(n) +
                " elements is not a multiple of the block size " + std::to_string(info.block_elems));
  const auto* p = static_cast<const uint8_t*>(src);
  for (int64_t i = 0; i < n / info.block_elems; ++i) fn(p + i * info.block_bytes, dst + i * info.block_elems);
}

float f8_e4m3_to_f32(uint8_t b) {
  int sign = b >> 7, exp = (b >> 3) & 0xF, man = b & 7;
  if (exp == 15 && man == 7) return std::nanf("");
  float v = exp == 0 ? std::ldexp(static_cast<float>(man), -9) : std::ldexp(1.0f + man / 8.0f, exp - 7);
  return sign ? -v : v;
}

float f8_e5m2_to_f32(uint8_t b) { return f16_to_f32(static_cast<uint16_t>(b) << 8); }

}  // namespace vkflow
