// Bindings, parameters and the output store shared by the conv2d shaders (conv2d.comp,
// conv2d_coop.comp). Convolution as GEMM per group: C[co][pixel] = sum over k = (ci, ky, kx)
// of W[co][k] * X(k, pixel); conv1d is the H = 1 case.
layout(std430, binding = 0) readonly buffer X_ { float x[]; };
layout(std430, binding = 1) readonly buffer W_ { uint w[]; };
layout(std430, binding = 1) readonly buffer W4_ { vec4 w4[]; };  // same buffer, 16-byte view
layout(std430, binding = 2) readonly buffer Bias_ { float bias[]; };
layout(std430, binding = 3) writeonly buffer Y_ { float y[]; };
layout(push_constant) uniform P {
  uint N, Ci, H, W, Co, OH, OW, KH, KW;
  int sh, sw, ph, pw, dh, dw;
  uint groups, has_bias;
  uint vec4_w;  // host-checked: f32 weights, K % 4 == 0, 16-byte aligned (not transposed)
} p;
#define W_WORDS(i) w[i]
#define W_QUAD(i) w4[i]
#include "bytes.glsl"
#include "dequant.glsl"

uint cig() { return p.Ci / p.groups; }
uint cog() { return p.Co / p.groups; }
uint gemm_M() { return cog(); }
uint gemm_N() { return p.N * p.OH * p.OW; }
uint gemm_K() { return cig() * p.KH * p.KW; }

// Input-offset table entry for GEMM row k of a (non-transposed) convolution: offset of
// (ci, ky*dh, kx*dw) in one sample's [Ci][H][W] block, ky*dh, kx*dw, 1 (0 past K). With
// the per-pixel origin from pixel_origin() an element is one add and two bounds checks.
ivec4 k_entry(uint k) {
  if (k >= gemm_K()) return ivec4(0);
  uint khw = p.KH * p.KW, ci = k / khw, r = k % khw, ky = r / p.KW, kx = r % p.KW;
  int kyd = int(ky) * p.dh, kxd = int(kx) * p.dw;
  return ivec4(int(ci * p.H * p.W) + kyd * int(p.W) + kxd, kyd, kxd, 1);
}
// Pixel n of group g: flat index of input (g's first channel, iy0, ix0) — iy0/ix0 may lie
// in the padding — then iy0, ix0 and 1 (0 past N).
ivec4 pixel_origin(uint g, uint n) {
  if (n >= gemm_N()) return ivec4(0, 0, 0, 0);
  uint ox = n % p.OW, t = n / p.OW, oy = t % p.OH, b = t / p.OH;
  int iy0 = int(oy) * p.sh - p.ph, ix0 = int(ox) * p.sw - p.pw;
  return ivec4(int((b * p.Ci + g * cig()) * p.H * p.W) + iy0 * int(p.W) + ix0, iy0, ix0, 1);
}
// X(k, pixel) from the two table entries (zero in the padding and past K or N).
float x_at(ivec4 kt, ivec4 px) {
  int iy = px.y + kt.y, ix = px.z + kt.z;
  bool ok = (kt.w & px.w) != 0 && uint(iy) < p.H && uint(ix) < p.W;
  float v = x[ok ? px.x + kt.x : 0];
  return ok ? v : 0.0;
}

void C_store(uint g, uint m, uint n, float v) {
  uint co = g * cog() + m;
  if (p.has_bias != 0u) v += bias[co];
  uint ox = n % p.OW, t = n / p.OW, oy = t % p.OH, b = t / p.OH;
  y[((b * p.Co + co) * p.OH + oy) * p.OW + ox] = v;
}
