#version 450
// Attention for a few query rows (decoding: one new token per sequence against a long cache
// or the audio). attention.comp gives each query row to one invocation, which then walks
// every key alone; here a workgroup owns one (batch, head, query row) and its invocations
// split the keys: a chunk of one key per invocation, scores, an online softmax across
// chunks (workgroup max and sum), then P·V with the value dims over invocations and the
// chunk's keys over groups of them. Same bindings and push constants as attention.comp.
// SPLITS > 1 (long key sequences, few rows): the keys are also split over SPLITS workgroups,
// which write their unnormalized partials (acc[DV], max, sum) to binding 4 for
// attention_combine.comp to merge.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "reduce.glsl"
layout(constant_id = 1) const uint DH = 64;  // q/k head dim
layout(constant_id = 2) const uint DV = 64;  // v head dim (<= workgroup size)
layout(constant_id = 3) const uint VEC4 = 0; // 1: DH % 4 == 0 and K 16-byte aligned
layout(constant_id = 4) const uint SPLITS = 1;
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float k[]; };
layout(std430, binding = 1) readonly buffer K4 { vec4 k4[]; };
layout(std430, binding = 2) readonly buffer V { float v[]; };
layout(std430, binding = 3) readonly buffer M { float mask[]; };
layout(std430, binding = 4) writeonly buffer O { float o[]; };
layout(push_constant) uniform P { uint H, Lq, Lk; float scale; uint causal, has_mask; uint ms[4]; } p;

shared float qs[DH];
shared float ps[gl_WorkGroupSize.x];  // the chunk's probabilities

void main() {
  uint bh = gl_WorkGroupID.y, b = bh / p.H, h = bh % p.H;
  uint i = gl_WorkGroupID.x / SPLITS, split = gl_WorkGroupID.x % SPLITS;  // query row, key range
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x;
  for (uint d = t; d < DH; d += n) qs[d] = q[(bh * p.Lq + i) * DH + d] * p.scale;
  barrier();
  uint per = (p.Lk + SPLITS - 1u) / SPLITS, kbeg = split * per;
  uint kend = min(p.causal != 0u ? min(p.Lk, i + 1u) : p.Lk, kbeg + per);
  uint mbase = b * p.ms[0] + h * p.ms[1] + i * p.ms[2];
  uint groups = n / DV, g = t / DV, dv = t % DV;  // P·V: value dim dv, keys g, g+groups, ...
  float m = -1.0 / 0.0, l = 0.0, acc = 0.0;
  for (uint k0 = kbeg; k0 < kend; k0 += n) {
    uint j = k0 + t;
    float s = -1.0 / 0.0;
    if (j < kend) {
      float dot = 0.0;
      uint row = (bh * p.Lk + j) * DH;
      if (VEC4 != 0u) {
        vec4 d4 = vec4(0.0);
        for (uint d = 0; d < DH; d += 4u) d4 = fma(vec4(qs[d], qs[d + 1u], qs[d + 2u], qs[d + 3u]), k4[(row + d) >> 2], d4);
        dot = d4.x + d4.y + d4.z + d4.w;
      } else {
        for (uint d = 0; d < DH; ++d) dot = fma(qs[d], k[row + d], dot);
      }
      if (p.has_mask != 0u) dot += mask[mbase + j * p.ms[3]];
      s = dot;
    }
    float mn = max(m, wg_max(s));
    if (mn == -1.0 / 0.0) continue;  // uniform: every key so far is masked
    float pj = isinf(s) ? 0.0 : exp(s - mn);  // 0 for a masked key (s = -inf)
    ps[t] = pj;
    float corr = isinf(m) ? 0.0 : exp(m - mn);  // 0 on the first live chunk
    l = l * corr + wg_sum(pj);       // its barriers also publish ps
    acc *= corr;
    uint nk = min(n, kend - k0);
    if (g < groups)
      for (uint jj = g; jj < nk; jj += groups) acc = fma(ps[jj], v[(bh * p.Lk + k0 + jj) * DV + dv], acc);
    m = mn;
  }
  barrier();
  ps[t] = acc;
  barrier();
  if (t < DV) {
    float sum = 0.0;
    for (uint gg = 0; gg < groups; ++gg) sum += ps[gg * DV + t];
    if (SPLITS == 1u) {
      o[(bh * p.Lq + i) * DV + t] = l > 0.0 ? sum / l : 0.0;
    } else {
      uint base = ((bh * p.Lq + i) * SPLITS + split) * (DV + 2u);
      o[base + t] = sum;
      if (t == 0u) {
        o[base + DV] = m;
        o[base + DV + 1u] = l;
      }
    }
  }
}
