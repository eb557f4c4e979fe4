#version 450
// Folded batch norm: y = x * scale[c] + shift[c] for x [N, C, S...].
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Sc { float sc[]; };
layout(std430, binding = 2) readonly buffer Sh { float sh[]; };
layout(std430, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint n, C, S; } p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint c = (i / p.S) % p.C;
  y[i] = x[i] * sc[c] + sh[c];
}
