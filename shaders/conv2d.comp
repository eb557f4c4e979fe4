#version 450
// conv2d / conv_transpose2d (TRANSPOSED) as an implicit GEMM per group: C[co][pixel] =
// sum over k = (ci, ky, kx) of W[co][k] * X(k, pixel), the X operand computed from input
// coordinates on the fly — no im2col buffer. conv1d is the H = 1 case.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(constant_id = 6) const uint TRANSPOSED = 0;
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) readonly buffer W_ { uint w[]; };
layout(std430, binding = 2) readonly buffer Bias_ { float bias[]; };
layout(std430, binding = 3) writeonly buffer Y_ { float y[]; };
layout(push_constant) uniform P {
  uint N, Ci, H, W, Co, OH, OW, KH, KW;
  int sh, sw, ph, pw, dh, dw;
  uint groups, has_bias;
} p;
#define W_WORDS(i) w[i]
#include "bytes.glsl"
#include "dequant.glsl"

uint cig() { return p.Ci / p.groups; }
uint cog() { return p.Co / p.groups; }
uint gemm_M() { return cog(); }
uint gemm_N() { return p.N * p.OH * p.OW; }
uint gemm_K() { return cig() * p.KH * p.KW; }
bool b_k_fastest() { return false; }  // neighbouring pixels are neighbouring input columns

float A_elem(uint g, uint m, uint k) {
  if (m >= gemm_M() || k >= gemm_K()) return 0.0;
  uint co = g * cog() + m;
  if (TRANSPOSED == 0u) return dequant(co * gemm_K() + k);  // w [Co][Ci/g][KH][KW]
  uint ci = k / (p.KH * p.KW), r = k % (p.KH * p.KW);   // w [Ci][Co/g][KH][KW]
  return dequant(((g * cig() + ci) * cog() + m) * p.KH * p.KW + r);
}

float B_elem(uint g, uint k, uint n) {
  if (k >= gemm_K() || n >= gemm_N()) return 0.0;
  uint ci = k / (p.KH * p.KW), r = k % (p.KH * p.KW), ky = r / p.KW, kx = r % p.KW;
  uint ox = n % p.OW, t = n / p.OW, oy = t % p.OH, b = t / p.OH;
  int iy, ix;
  if (TRANSPOSED == 0u) {
    iy = int(oy) * p.sh - p.ph + int(ky) * p.dh;
    ix = int(ox) * p.sw - p.pw + int(kx) * p.dw;
  } else {
    int ty = int(oy) + p.ph - int(ky) * p.dh, tx = int(ox) + p.pw - int(kx) * p.dw;
    if (ty < 0 || tx < 0 || ty % p.sh != 0 || tx % p.sw != 0) return 0.0;
    iy = ty / p.sh;
    ix = tx / p.sw;
  }
  if (iy < 0 || ix < 0 || iy >= int(p.H) || ix >= int(p.W)) return 0.0;
  return x[((b * p.Ci + g * cig() + ci) * p.H + uint(iy)) * p.W + uint(ix)];
}

void C_store(uint g, uint m, uint n, float v) {
  uint co = g * cog() + m;
  if (p.has_bias != 0u) v += bias[co];
  uint ox = n % p.OW, t = n / p.OW, oy = t % p.OH, b = t / p.OH;
  y[((b * p.Co + co) * p.OH + oy) * p.OW + ox] = v;
}

#include "gemm_core.glsl"
