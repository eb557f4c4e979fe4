#version 450
#extension GL_GOOGLE_include_directive : require
// Nearest-neighbour resize of the last two dims: src = floor(dst * in / out).
#include "common.glsl"
layout(std430, binding = 0) readonly buffer S { float s[]; };
layout(std430, binding = 1) writeonly buffer D { float d[]; };
layout(push_constant) uniform P { uint n, ih, iw, oh, ow; } p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint x = i % p.ow, y = (i / p.ow) % p.oh, plane = i / (p.ow * p.oh);
  uint sx = (x * p.iw) / p.ow, sy = (y * p.ih) / p.oh;
  d[i] = s[plane * p.ih * p.iw + sy * p.iw + sx];
}
