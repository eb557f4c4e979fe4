#version 450
// Rotary embedding on x [B,H,L,D]: pairs (2i, 2i+1) when interleaved (FLUX), else
// (i, i + D/2) (NeoX); cos/sin [L, D/2] or per batch [B, L, D/2].
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer C { float cs[]; };
layout(std430, binding = 2) readonly buffer S { float sn[]; };
layout(std430, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint n, H, L, D, per_batch, interleaved; } p;  // n = pairs

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint half_ = p.D / 2, k = i % half_, row = i / half_;
  uint l = row % p.L, b = row / (p.H * p.L);
  uint ci = ((p.per_batch != 0u ? b : 0u) * p.L + l) * half_ + k;
  uint ia = row * p.D + (p.interleaved != 0u ? 2u * k : k), ib = ia + (p.interleaved != 0u ? 1u : half_);
  float a = x[ia], bb = x[ib], c = cs[ci], s = sn[ci];
  y[ia] = a * c - bb * s;
  y[ib] = a * s + bb * c;
}
