#version 450
#extension GL_GOOGLE_include_directive : require
// Padding over up to 6 dims: mode 0 constant, 1 reflect, 2 replicate.
#include "common.glsl"
layout(std430, binding = 0) readonly buffer S { float s[]; };
layout(std430, binding = 1) writeonly buffer D { float d[]; };
layout(push_constant) uniform P { uint n, rank, mode; float value; uint in_dims[6]; uint out_dims[6]; int before[6]; } p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint r = i, src = 0, stride = 1;
  bool inside = true;
  for (int k = int(p.rank) - 1; k >= 0; --k) {
    int c = int(r % p.out_dims[k]) - p.before[k];
    r /= p.out_dims[k];
    int len = int(p.in_dims[k]);
    if (c < 0 || c >= len) {
      if (p.mode == 0u) inside = false;
      else if (p.mode == 1u) { c = c < 0 ? -c : 2 * (len - 1) - c; }
      else c = clamp(c, 0, len - 1);
    }
    src += uint(c) * stride;
    stride *= p.in_dims[k];
  }
  d[i] = inside ? s[src] : p.value;
}
