// Element `e` of a weight stored as WTYPE (one of the WT_* values below), dequantized to
// float. Formats follow GGUF/ggml exactly. Needs bytes.glsl (and its W_WORDS) first.
#define WT_F32 0
#define WT_F16 1
#define WT_BF16 2
#define WT_Q4_0 3
#define WT_Q4_1 4
#define WT_Q5_0 5
#define WT_Q5_1 6
#define WT_Q8_0 7
#define WT_Q2_K 8
#define WT_Q3_K 9
#define WT_Q4_K 10
#define WT_Q5_K 11
#define WT_Q6_K 12

void scale_min_k4(uint base, uint j, out float d, out float m) {
  if (j < 4) {
    d = float(byte_at(base + j) & 63u);
    m = float(byte_at(base + j + 4) & 63u);
  } else {
    d = float((byte_at(base + j + 4) & 0xFu) | ((byte_at(base + j - 4) >> 6) << 4));
    m = float((byte_at(base + j + 4) >> 4) | ((byte_at(base + j) >> 6) << 4));
  }
}

float dequant(uint e) {
#if WTYPE == WT_F32
  return uintBitsToFloat(W_WORDS(e));
#elif WTYPE == WT_F16
  return half_at(e * 2u);
#elif WTYPE == WT_BF16
  return bf16_at(e * 2u);
#elif WTYPE == WT_Q4_0
  uint b = (e >> 5) * 18u, j = e & 31u;
  uint q = byte_at(b + 2u + (j & 15u));
  return float(int(j < 16u ? (q & 0xFu) : (q >> 4)) - 8) * half_at(b);
#elif WTYPE == WT_Q4_1
  uint b = (e >> 5) * 20u, j = e & 31u;
  uint q = byte_at(b + 4u + (j & 15u));
  return float(j < 16u ? (q & 0xFu) : (q >> 4)) * half_at(b) + half_at(b + 2u);
#elif WTYPE == WT_Q5_0 || WTYPE == WT_Q5_1
#if WTYPE == WT_Q5_0
  const uint BS = 22u, QH = 2u, QS = 6u;
#else
  const uint BS = 24u, QH = 4u, QS = 8u;
#endif
  uint b = (e >> 5) * BS, j = e & 31u;
  uint qh = u32_at(b + QH);
  uint q = byte_at(b + QS + (j & 15u));
  uint v = j < 16u ? ((q & 0xFu) | (((qh >> j) << 4) & 0x10u)) : ((q >> 4) | ((qh >> (j - 16u + 12u)) & 0x10u));
#if WTYPE == WT_Q5_0
  return float(int(v) - 16) * half_at(b);
#else
  return float(v) * half_at(b) + half_at(b + 2u);
#endif
#elif WTYPE == WT_Q8_0
  uint b = (e >> 5) * 34u;
  return float(sbyte_at(b + 2u + (e & 31u))) * half_at(b);
#elif WTYPE == WT_Q2_K
  uint b = (e >> 8) * 84u, r = e & 255u;
  uint n = r >> 7, jj = (r & 127u) >> 5, rr = r & 31u, half_ = rr >> 4, l = rr & 15u;
  uint s = byte_at(b + n * 8u + jj * 2u + half_);
  uint q = (byte_at(b + 16u + 32u * n + l + 16u * half_) >> (2u * jj)) & 3u;
  return half_at(b + 80u) * float(s & 0xFu) * float(q) - half_at(b + 82u) * float(s >> 4);
#elif WTYPE == WT_Q3_K
  uint b = (e >> 8) * 110u, r = e & 255u;
  uint n = r >> 7, jj = (r & 127u) >> 5, rr = r & 31u, half_ = rr >> 4, l = rr & 15u;
  uint is = n * 8u + jj * 2u + half_, g = is >> 2, i = is & 3u;
  uint lb = byte_at(b + 96u + (g & 1u) * 4u + i);
  uint sc = (g < 2u ? (lb & 0xFu) : (lb >> 4)) | (((byte_at(b + 104u + i) >> (2u * g)) & 3u) << 4);
  uint o = l + 16u * half_;
  int q = int((byte_at(b + 32u + 32u * n + o) >> (2u * jj)) & 3u) - ((byte_at(b + o) & (1u << (n * 4u + jj))) != 0u ? 0 : 4);
  return half_at(b + 108u) * float(int(sc) - 32) * float(q);
#elif WTYPE == WT_Q4_K || WTYPE == WT_Q5_K
#if WTYPE == WT_Q4_K
  const uint BS = 144u, QL = 16u;
#else
  const uint BS = 176u, QL = 48u;
#endif
  uint b = (e >> 8) * BS, r = e & 255u;
  uint sub = r >> 6, l = r & 63u, hi = l >> 5;
  float s, m;
  scale_min_k4(b + 4u, 2u * sub + hi, s, m);
  uint q = byte_at(b + QL + 32u * sub + (l & 31u));
  uint v = hi == 0u ? (q & 0xFu) : (q >> 4);
#if WTYPE == WT_Q5_K
  v += (byte_at(b + 16u + (l & 31u)) & (1u << (2u * sub + hi))) != 0u ? 16u : 0u;
#endif
  return half_at(b) * s * float(v) - half_at(b + 2u) * m;
#elif WTYPE == WT_Q6_K
  uint b = (e >> 8) * 210u, r = e & 255u;
  uint n = r >> 7, rr = r & 127u, quarter = rr >> 5, l = rr & 31u;
  uint ql = byte_at(b + 64u * n + l + ((quarter & 1u) != 0u ? 32u : 0u));
  uint lo = quarter < 2u ? (ql & 0xFu) : (ql >> 4);
  uint hi = (byte_at(b + 128u + 32u * n + l) >> (2u * quarter)) & 3u;
  int q = int(lo | (hi << 4)) - 32;
  return half_at(b + 208u) * float(sbyte_at(b + 192u + 8u * n + l / 16u + 2u * quarter)) * float(q);
#else
#error unknown WTYPE
#endif
}

#ifdef W_QUAD
// Elements e .. e+3 (e % 4 == 0). `packed` (host-checked): read whole words — the 16-byte
// view W_QUAD(i) for f32 (16-byte aligned binding), two 32-bit words for f16/bf16 (4-byte
// aligned binding); otherwise (and for block formats) element by element.
vec4 dequant4(uint e, bool packed) {
#if WTYPE == WT_F32
  if (packed) return W_QUAD(e >> 2);
#elif WTYPE == WT_F16
  if (packed) return vec4(unpackHalf2x16(W_WORDS(e >> 1)), unpackHalf2x16(W_WORDS((e >> 1) + 1u)));
#elif WTYPE == WT_BF16
  if (packed) {
    uint u0 = W_WORDS(e >> 1), u1 = W_WORDS((e >> 1) + 1u);
    return vec4(uintBitsToFloat(u0 << 16), uintBitsToFloat(u0 & 0xFFFF0000u), uintBitsToFloat(u1 << 16),
                uintBitsToFloat(u1 & 0xFFFF0000u));
  }
#endif
  return vec4(dequant(e), dequant(e + 1u), dequant(e + 2u), dequant(e + 3u));
}
#endif
