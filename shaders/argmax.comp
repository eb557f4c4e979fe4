#version 450
// argmax over the last dim (first maximum wins), one workgroup per row.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { int y[]; };
layout(push_constant) uniform P { uint rows, D; } p;
shared float sv[gl_WorkGroupSize.x];
shared uint si[gl_WorkGroupSize.x];

void main() {
  uint row = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (row >= p.rows) return;
  uint t = gl_LocalInvocationID.x;
  float best = -1.0 / 0.0;
  uint bi = 0xFFFFFFFFu;
  for (uint j = t; j < p.D; j += gl_WorkGroupSize.x) {
    float v = x[row * p.D + j];
    if (v > best || bi == 0xFFFFFFFFu) { best = v; bi = j; }
  }
  sv[t] = best;
  si[t] = bi;
  barrier();
  for (uint s = gl_WorkGroupSize.x / 2; s > 0; s >>= 1) {
    if (t < s) {
      float v = sv[t + s];
      uint j = si[t + s];
      if (j != 0xFFFFFFFFu && (si[t] == 0xFFFFFFFFu || v > sv[t] || (v == sv[t] && j < si[t]))) { sv[t] = v; si[t] = j; }
    }
    barrier();
  }
  if (t == 0) y[row] = int(si[0]);
}
