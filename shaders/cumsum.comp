#version 450
// Running sum along an axis: one invocation per line (outer x inner), sequential along the
// axis with Kahan compensation so long lines stay close to the double-precision reference.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint lines, len, inner; } p;

void main() {
  uint i = flat_index();
  if (i >= p.lines) return;
  uint base = (i / p.inner) * p.len * p.inner + i % p.inner;
  float s = 0.0, comp = 0.0;
  for (uint k = 0; k < p.len; ++k) {
    float v = x[base + k * p.inner] - comp;
    float t = s + v;
    comp = (t - s) - v;
    s = t;
    y[base + k * p.inner] = s;
  }
}
