#version 450
// group_norm, pass 2 of 2: one workgroup per (tile of TILE elements, sample*group) combines
// the group's chunk statistics (group_norm_stats.comp; Chan's parallel variance) once, then
// normalizes its tile with the per-channel affine.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(constant_id = 1) const uint TILE = 2048;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Part { float part[]; };
layout(std430, binding = 2) readonly buffer Wt { float w[]; };
layout(std430, binding = 3) readonly buffer Bs { float b[]; };
layout(std430, binding = 4) writeonly buffer Y { float y[]; };
layout(push_constant) uniform Pc { uint len, chunk, P, groups, cpg, S; float eps; uint has_w, has_b; } p;

shared float stats[2];  // mean, 1/sqrt(var + eps)

void main() {
  uint tile = gl_WorkGroupID.x, ng = gl_WorkGroupID.y, g = ng % p.groups;
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x;
  if (t == 0u) {
    float cnt = 0.0, mean = 0.0, m2 = 0.0;
    for (uint c = 0; c < p.P; ++c) {
      float nb = float(min(p.chunk, p.len - c * p.chunk));
      float mb = part[(ng * p.P + c) * 2u], m2b = part[(ng * p.P + c) * 2u + 1u];
      float tot = cnt + nb, delta = mb - mean;
      mean += delta * (nb / tot);
      m2 += m2b + delta * delta * (cnt * nb / tot);
      cnt = tot;
    }
    stats[0] = mean;
    stats[1] = inversesqrt(m2 / cnt + p.eps);
  }
  barrier();
  float mean = stats[0], inv = stats[1];
  uint first = tile * TILE, end = min(first + TILE, p.len), base = ng * p.len;
  for (uint j = first + t; j < end; j += n) {
    uint ch = g * p.cpg + j / p.S;
    float v = (x[base + j] - mean) * inv;
    if (p.has_w != 0u) v *= w[ch];
    if (p.has_b != 0u) v += b[ch];
    y[base + j] = v;
  }
}
