#version 450
// attention.comp's memory-efficient attention (one query row per invocation, K/V tiles in
// shared memory, online softmax) with the keys of a tile taken as one block: its BKV scores
// are computed first, then one running-max update and one rescale of the accumulator per
// block instead of per key. Head dims are multiples of 4: q, the accumulator and the shared
// K/V rows are vec4s (one broadcast 16-byte shared read per 4 FMAs).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(constant_id = 1) const uint DH = 64;  // q/k head dim (multiple of 4)
layout(constant_id = 2) const uint DV = 64;  // v head dim (multiple of 4)
const uint BKV = 16;                         // keys per tile = per block (scores in registers)
const uint DH4 = DH / 4, DV4 = DV / 4;
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float k[]; };
layout(std430, binding = 2) readonly buffer V { float v[]; };
layout(std430, binding = 3) readonly buffer M { float mask[]; };
layout(std430, binding = 4) writeonly buffer O { float o[]; };
layout(push_constant) uniform P { uint H, Lq, Lk; float scale; uint causal, has_mask; uint ms[4]; } p;

shared vec4 Ks[BKV * DH4];
shared vec4 Vs[BKV * DV4];

void main() {
  uint bh = gl_WorkGroupID.y, b = bh / p.H, h = bh % p.H;
  uint i = gl_WorkGroupID.x * gl_WorkGroupSize.x + gl_LocalInvocationID.x;
  bool live = i < p.Lq;
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x;
  vec4 qr[DH4], acc[DV4];
  [[unroll]] for (uint d = 0; d < DH4; ++d) {
    uint e = (bh * p.Lq + i) * DH + 4 * d;
    qr[d] = live ? vec4(q[e], q[e + 1], q[e + 2], q[e + 3]) * p.scale : vec4(0.0);
  }
  [[unroll]] for (uint d = 0; d < DV4; ++d) acc[d] = vec4(0.0);
  const float NEG_INF = -1.0 / 0.0;
  float m = NEG_INF, l = 0.0;
  uint last_row = min(p.Lq, (gl_WorkGroupID.x + 1) * gl_WorkGroupSize.x) - 1;
  uint kend = p.causal != 0u ? min(p.Lk, last_row + 1) : p.Lk;
  uint mbase = b * p.ms[0] + h * p.ms[1] + i * p.ms[2];
  for (uint k0 = 0; k0 < kend; k0 += BKV) {
    uint nk = min(BKV, kend - k0);
    barrier();
    for (uint e = t; e < nk * DH; e += n) Ks[e / 4][e % 4] = k[(bh * p.Lk + k0) * DH + e];
    for (uint e = t; e < nk * DV; e += n) Vs[e / 4][e % 4] = v[(bh * p.Lk + k0) * DV + e];
    barrier();
    if (!live) continue;
    float s[BKV];
    float bmax = m;
    [[unroll]] for (uint j = 0; j < BKV; ++j) {
      uint kj = k0 + j;
      float x = NEG_INF;  // past the tile, above the diagonal: no weight
      if (j < nk && (p.causal == 0u || kj <= i)) {
        vec4 a = vec4(0.0);
        [[unroll]] for (uint d = 0; d < DH4; ++d) a = fma(qr[d], Ks[j * DH4 + d], a);
        x = (a.x + a.y) + (a.z + a.w);
        if (p.has_mask != 0u) x += mask[mbase + kj * p.ms[3]];
      }
      s[j] = x;
      bmax = max(bmax, x);
    }
    if (isinf(bmax) && bmax < 0.0) continue;  // every key so far masked out
    float corr = exp(m - bmax);  // 0 on the first block with weight (m = -inf)
    l *= corr;
    [[unroll]] for (uint d = 0; d < DV4; ++d) acc[d] *= corr;
    [[unroll]] for (uint j = 0; j < BKV; ++j) {
      if (j >= nk) break;  // rows past the tile hold stale (maybe non-finite) data
      float pj = exp(s[j] - bmax);
      l += pj;
      [[unroll]] for (uint d = 0; d < DV4; ++d) acc[d] = fma(vec4(pj), Vs[j * DV4 + d], acc[d]);
    }
    m = bmax;
  }
  if (!live) return;
  float inv = l > 0.0 ? 1.0 / l : 0.0;
  [[unroll]] for (uint d = 0; d < DV4; ++d) {
    uint e = (bh * p.Lq + i) * DV + 4 * d;
    o[e] = acc[d].x * inv;
    o[e + 1] = acc[d].y * inv;
    o[e + 2] = acc[d].z * inv;
    o[e + 3] = acc[d].w * inv;
  }
}
