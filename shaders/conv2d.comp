#version 450
// conv2d / conv_transpose2d (TRANSPOSED) as an implicit GEMM per group (gemm_core.glsl), the
// X operand computed from input coordinates on the fly — no im2col buffer. Forward
// convolutions read X through shared tables (one entry per k of the slice, one per pixel
// of the tile), so staging needs no integer division per element.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(constant_id = 6) const uint TRANSPOSED = 0;
#include "conv_args.glsl"

bool b_k_fastest() { return false; }  // neighbouring pixels are neighbouring input columns
bool use_vec4_a() { return TRANSPOSED == 0u && p.vec4_w != 0u; }
bool use_vec4_b() { return false; }
// 4 consecutive k of weight row m (w [Co][K], K % 4 == 0: a quad is all in or all out).
vec4 A_vec4(uint g, uint m, uint k) {
  return (m < gemm_M() && k < gemm_K()) ? w4[((g * cog() + m) * gemm_K() + k) >> 2] : vec4(0.0);
}
vec4 B_vec4(uint g, uint k, uint n) { return vec4(0.0); }

float A_elem(uint g, uint m, uint k) {
  if (m >= gemm_M() || k >= gemm_K()) return 0.0;
  uint co = g * cog() + m;
  if (TRANSPOSED == 0u) return dequant(co * gemm_K() + k);  // w [Co][Ci/g][KH][KW]
  uint ci = k / (p.KH * p.KW), r = k % (p.KH * p.KW);   // w [Ci][Co/g][KH][KW]
  return dequant(((g * cig() + ci) * cog() + m) * p.KH * p.KW + r);
}

// Tables for the forward case, filled by the gemm_core hooks below.
#include "gemm_tiles.glsl"
shared ivec4 ktab[BK];
shared ivec4 ntab[BN];
uint cur_k0, cur_n0;

void gemm_begin(uint g, uint m0, uint n0) {
  cur_n0 = n0;
  if (TRANSPOSED != 0u) return;
  for (uint i = gl_LocalInvocationID.x; i < BN; i += gl_WorkGroupSize.x) ntab[i] = pixel_origin(g, n0 + i);
}
void gemm_slice(uint g, uint k0) {
  cur_k0 = k0;
  if (TRANSPOSED != 0u) return;
  for (uint i = gl_LocalInvocationID.x; i < BK; i += gl_WorkGroupSize.x) ktab[i] = k_entry(k0 + i);
}

float B_elem(uint g, uint k, uint n) {
  if (TRANSPOSED == 0u) return x_at(ktab[k - cur_k0], ntab[n - cur_n0]);
  if (k >= gemm_K() || n >= gemm_N()) return 0.0;
  uint ci = k / (p.KH * p.KW), r = k % (p.KH * p.KW), ky = r / p.KW, kx = r % p.KW;
  uint ox = n % p.OW, t = n / p.OW, oy = t % p.OH, b = t / p.OH;
  int ty = int(oy) + p.ph - int(ky) * p.dh, tx = int(ox) + p.pw - int(kx) * p.dw;
  if (ty < 0 || tx < 0 || ty % p.sh != 0 || tx % p.sw != 0) return 0.0;
  int iy = ty / p.sh, ix = tx / p.sw;
  if (iy >= int(p.H) || ix >= int(p.W)) return 0.0;
  return x[((b * p.Ci + g * cig() + ci) * p.H + uint(iy)) * p.W + uint(ix)];
}

#define GEMM_HOOKS 1
#include "gemm_core.glsl"
