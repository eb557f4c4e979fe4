#version 450
// Bandwidth probe for bench/ (and fast contiguous copies): dst[i] = src[i] as vec4.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer S { vec4 s[]; };
layout(std430, binding = 1) writeonly buffer D { vec4 d[]; };
layout(push_constant) uniform P { uint n; } p;  // vec4 count

void main() {
  uint i = flat_index();
  if (i < p.n) d[i] = s[i];
}
