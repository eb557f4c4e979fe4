#version 450
// Memory-efficient attention: each invocation owns one query row (q and the output
// accumulator in registers, sized by specialization constants DH/DV), the workgroup
// streams K/V in BKV-key tiles through shared memory and keeps an online softmax (running
// max and sum). No Lq x Lk score matrix exists anywhere.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(constant_id = 1) const uint DH = 64;   // q/k head dim
layout(constant_id = 2) const uint DV = 64;   // v head dim
layout(constant_id = 3) const uint BKV = 16;  // keys per shared tile
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float k[]; };
layout(std430, binding = 2) readonly buffer V { float v[]; };
layout(std430, binding = 3) readonly buffer M { float mask[]; };
layout(std430, binding = 4) writeonly buffer O { float o[]; };
layout(push_constant) uniform P { uint H, Lq, Lk; float scale; uint causal, has_mask; uint ms[4]; } p;

shared float Ks[BKV * DH];
shared float Vs[BKV * DV];

void main() {
  uint bh = gl_WorkGroupID.y, b = bh / p.H, h = bh % p.H;
  uint i = gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
  bool live = i < p.Lq;
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x;
  float qr[DH], acc[DV];
  [[unroll]] for (uint d = 0; d < DH; ++d) qr[d] = live ? q[(bh * p.Lq + i) * DH + d] * p.scale : 0.0;
  [[unroll]] for (uint d = 0; d < DV; ++d) acc[d] = 0.0;
  float m = -1.0 / 0.0, l = 0.0;
  uint last_row = min(p.Lq, (gl_WorkGroupID.x + 1) * gl_WorkGroupSize.x) - 1;
  uint kend = p.causal != 0u ? min(p.Lk, last_row + 1) : p.Lk;
  uint mbase = b * p.ms[0] + h * p.ms[1] + i * p.ms[2];
  for (uint k0 = 0; k0 < kend; k0 += BKV) {
    uint nk = min(BKV, kend - k0);
    barrier();
    for (uint e = t; e < nk * DH; e += n) Ks[e] = k[(bh * p.Lk + k0) * DH + e];
    for (uint e = t; e < nk * DV; e += n) Vs[e] = v[(bh * p.Lk + k0) * DV + e];
    barrier();
    if (!live) continue;
    for (uint j = 0; j < nk; ++j) {
      uint kj = k0 + j;
      if (p.causal != 0u && kj > i) break;
      float s = 0.0;
      [[unroll]] for (uint d = 0; d < DH; ++d) s = fma(qr[d], Ks[j * DH + d], s);
      if (p.has_mask != 0u) s += mask[mbase + kj * p.ms[3]];
      if (isinf(s) && s < 0.0) continue;
      float mn = max(m, s);
      float corr = exp(m - mn), pj = exp(s - mn);
      l = l * corr + pj;
      [[unroll]] for (uint d = 0; d < DV; ++d) acc[d] = fma(acc[d], corr, pj * Vs[j * DV + d]);
      m = mn;
    }
  }
  if (!live) return;
  float inv = l > 0.0 ? 1.0 / l : 0.0;
  [[unroll]] for (uint d = 0; d < DV; ++d) o[(bh * p.Lq + i) * DV + d] = acc[d] * inv;
}
