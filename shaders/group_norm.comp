#version 450
// group_norm: one workgroup per (sample, group); the group's channels are contiguous.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "reduce.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Wt { float w[]; };
layout(std430, binding = 2) readonly buffer Bs { float b[]; };
layout(std430, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint groups, C, S; float eps; uint has_w, has_b; } p;  // S = spatial size

void main() {
  uint ng = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  uint g = ng % p.groups;
  uint cpg = p.C / p.groups, len = cpg * p.S, base = ng * len;
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x;
  float s = 0.0;
  for (uint j = t; j < len; j += n) s += x[base + j];
  float mean = wg_sum(s) / float(len);
  float q = 0.0;
  for (uint j = t; j < len; j += n) {
    float d = x[base + j] - mean;
    q += d * d;
  }
  float inv = inversesqrt(wg_sum(q) / float(len) + p.eps);
  for (uint j = t; j < len; j += n) {
    uint c = g * cpg + j / p.S;
    float v = (x[base + j] - mean) * inv;
    if (p.has_w != 0u) v *= w[c];
    if (p.has_b != 0u) v += b[c];
    y[base + j] = v;
  }
}
