#version 450
// group_norm, pass 1 of 2: the group (its channels are contiguous) is split into P chunks
// so that many workgroups share the reduction; one workgroup per (chunk, sample*group)
// writes its chunk's mean and centred sum of squares (two passes over the chunk, the
// second from cache) — combined with Chan's formula in group_norm_apply.comp.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "reduce.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Part { float part[]; };  // [ng][P][mean, M2]
layout(push_constant) uniform Pc { uint len, chunk, P; } p;  // len = (C / groups) * spatial

void main() {
  uint c = gl_WorkGroupID.x, ng = gl_WorkGroupID.y;
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x;
  uint first = c * p.chunk, cnt = min(p.chunk, p.len - first), base = ng * p.len + first;
  float s = 0.0;
  for (uint j = t; j < cnt; j += n) s += x[base + j];
  float mean = wg_sum(s) / float(cnt);
  float q = 0.0;
  for (uint j = t; j < cnt; j += n) {
    float d = x[base + j] - mean;
    q += d * d;
  }
  float m2 = wg_sum(q);
  if (t == 0u) {
    part[(ng * p.P + c) * 2u] = mean;
    part[(ng * p.P + c) * 2u + 1u] = m2;
  }
}
