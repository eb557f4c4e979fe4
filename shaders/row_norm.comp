#version 450
// layer_norm (MODE 0) and rms_norm (MODE 1) over the last dim, one workgroup per row,
// two passes (mean, then centred variance) for accuracy.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "reduce.glsl"
layout(constant_id = 1) const uint MODE = 0;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer Wt { float w[]; };
layout(std430, binding = 2) readonly buffer Bs { float b[]; };
layout(std430, binding = 3) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint rows, D; float eps; uint has_w, has_b; } p;

void main() {
  uint row = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (row >= p.rows) return;
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x, base = row * p.D;
  float mean = 0.0;
  if (MODE == 0u) {
    float s = 0.0;
    for (uint j = t; j < p.D; j += n) s += x[base + j];
    mean = wg_sum(s) / float(p.D);
  }
  float q = 0.0;
  for (uint j = t; j < p.D; j += n) {
    float d = x[base + j] - mean;
    q += d * d;
  }
  float inv = inversesqrt(wg_sum(q) / float(p.D) + p.eps);
  for (uint j = t; j < p.D; j += n) {
    float v = (x[base + j] - mean) * inv;
    if (p.has_w != 0u) v *= w[j];
    if (p.has_b != 0u) v += b[j];
    y[base + j] = v;
  }
}
