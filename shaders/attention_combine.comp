#version 450
// Merges attention_decode.comp's per-key-range partials: one workgroup per (batch, head,
// query row), invocations over the value dims. Each split s holds acc_s[DV] (weights not
// normalized), its running max m_s and sum l_s; out = sum_s acc_s e^(m_s - M) / sum_s l_s e^(m_s - M).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer Part { float part[]; };
layout(std430, binding = 1) writeonly buffer O { float o[]; };
layout(push_constant) uniform P { uint rows, DV, splits; } p;

void main() {
  uint row = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (row >= p.rows) return;
  uint stride = p.DV + 2u, base = row * p.splits * stride;
  float mx = -1.0 / 0.0;
  for (uint s = 0; s < p.splits; ++s) mx = max(mx, part[base + s * stride + p.DV]);
  float l = 0.0;
  for (uint s = 0; s < p.splits; ++s) {
    float ms = part[base + s * stride + p.DV];
    if (!isinf(ms)) l += part[base + s * stride + p.DV + 1u] * exp(ms - mx);
  }
  for (uint d = gl_LocalInvocationID.x; d < p.DV; d += gl_WorkGroupSize.x) {
    float acc = 0.0;
    for (uint s = 0; s < p.splits; ++s) {
      float ms = part[base + s * stride + p.DV];
      if (!isinf(ms)) acc += part[base + s * stride + d] * exp(ms - mx);
    }
    o[row * p.DV + d] = l > 0.0 ? acc / l : 0.0;
  }
}
