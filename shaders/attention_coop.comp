#version 450
// Flash-style attention on NVIDIA tensor cores (fast path, through GL_NV_cooperative_matrix
// — shaders/include/coop.glsl): a workgroup of 4 subgroups of 32 takes 64 query rows (16
// per subgroup) and streams K/V through shared memory in BC-key fp16 tiles. Per tile and
// subgroup: S = (scale·Q)·Kᵀ on matrix cores with fp32 accumulation → online softmax by the
// lanes (two per row: running max and sum) → P as fp16 → P·V on matrix cores, 16 output
// columns at a time, which the lanes add to their fp32 output rows after rescaling. No
// Lq x Lk buffer exists. Masks, causal masking and any Lq/Lk as attention.comp.
// COOP_EMULATE builds the scalar stand-in for the parity harness without matrix cores.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#include "common.glsl"
layout(constant_id = 1) const uint D = 64;    // q/k head dim
layout(constant_id = 2) const uint DV = 64;   // v head dim
layout(constant_id = 3) const uint DP = 64;   // D rounded up to a multiple of 16
layout(constant_id = 4) const uint DVP = 64;  // DV rounded up to a multiple of 16
layout(constant_id = 5) const uint BC = 64;   // keys per tile: 32 or 64
layout(std430, binding = 0) readonly buffer Q { float q[]; };
layout(std430, binding = 1) readonly buffer K { float k[]; };
layout(std430, binding = 2) readonly buffer V { float v[]; };
layout(std430, binding = 3) readonly buffer M { float mask[]; };
layout(std430, binding = 4) writeonly buffer O { float o[]; };
layout(push_constant) uniform P { uint H, Lq, Lk; float scale; uint causal, has_mask; uint ms[4]; } p;

const uint BR = 64;                          // query rows per workgroup
const uint SD = (DP > DVP ? DP : DVP) + 8;   // fp16 row stride of the K/V/Q tiles
const uint SP = BC + 8;                      // fp16 row stride of P
shared float16_t kv[2 * BC * SD];            // K tile [key][d], then V tile [key][d]
shared float16_t ps[4 * 16 * SP];            // P per subgroup [row][key]
shared float sf[4 * 16 * BC];                // S per subgroup [row][key]; then 16x16 output chunks
shared float xch[4 * 32];                    // lane-pair exchange
#ifdef COOP_EMULATE
shared float16_t qs[BR * SD];                // emulated fragments refer to their buffer: Q keeps its own
#define QBUF qs
#define COOP_READ(id, i) float(id == 0u ? kv[i] : id == 1u ? ps[i] : qs[i])
#else
#define QBUF kv                              // Q is staged through the K/V tile (BC >= 32)
#endif
#include "coop.glsl"

const float NEG_INF = -1.0 / 0.0;

void main() {
  const uint tid = gl_LocalInvocationID.x, threads = gl_WorkGroupSize.x;  // 128
  const uint sg = SG_ID, lane = SG_LANE;
  const uint bh = gl_WorkGroupID.y, b = bh / p.H, h = bh % p.H, q0 = gl_WorkGroupID.x * BR;
  const uint r = lane >> 1, half_ = lane & 1u, HB = BC / 2;  // this lane: row r, columns half_*HB ..
  const uint qi = q0 + sg * 16 + r;
  const bool row_live = qi < p.Lq;
  const uint srow = sg * 16 * BC + r * BC, prow = (sg * 16 + r) * SP, xi = sg * 32 + lane;

  for (uint e = tid; e < BR * DP; e += threads) {
    uint rr = e / DP, d = e % DP, qr = q0 + rr;
    QBUF[rr * SD + d] = float16_t((qr < p.Lq && d < D) ? q[(bh * p.Lq + qr) * D + d] * p.scale : 0.0);
  }
  barrier();
  FragH qf[DP / 16];
  [[unroll]] for (uint c = 0; c < DP / 16; ++c) COOP_LOAD(qf[c], QBUF, 2u, (sg * 16) * SD + c * 16, SD, false);

  float m_run = NEG_INF, l_run = 0.0;
  float o_run[DVP / 2];  // chunk c (16 columns): this lane's 8 columns at c*8
  [[unroll]] for (uint i = 0; i < DVP / 2; ++i) o_run[i] = 0.0;
  const uint last_row = min(p.Lq, q0 + BR) - 1;
  const uint kend = p.causal != 0u ? min(p.Lk, last_row + 1) : p.Lk;
  const uint mbase = b * p.ms[0] + h * p.ms[1] + qi * p.ms[2];

  for (uint k0 = 0; k0 < kend; k0 += BC) {
    barrier();  // the previous tile (and the Q fragments' staging) is consumed
    for (uint e = tid; e < BC * DP; e += threads) {
      uint key = e / DP, d = e % DP, kj = k0 + key;
      kv[key * SD + d] = float16_t((kj < kend && d < D) ? k[(bh * p.Lk + kj) * D + d] : 0.0);
    }
    for (uint e = tid; e < BC * DVP; e += threads) {
      uint key = e / DVP, d = e % DVP, kj = k0 + key;
      kv[(BC + key) * SD + d] = float16_t((kj < kend && d < DV) ? v[(bh * p.Lk + kj) * DV + d] : 0.0);
    }
    barrier();

    // S = Q Kᵀ (Kᵀ is the column-major view of the K rows).
    [[unroll]] for (uint j = 0; j < BC / 16; ++j) {
      FragF s;
      COOP_ZERO(s);
      [[unroll]] for (uint c = 0; c < DP / 16; ++c) {
        FragH kf;
        COOP_LOAD(kf, kv, 0u, (j * 16) * SD + c * 16, SD, true);
        s = coop_mma(qf[c], kf, s);
      }
      COOP_STORE(s, sf, sg * 16 * BC + j * 16, BC);
    }
    SG_SYNC();

    // Online softmax over this lane's half row; the pair shares its maximum.
    float mx = NEG_INF;
    for (uint c = 0; c < HB; ++c) {
      uint col = half_ * HB + c, kj = k0 + col;
      float s = sf[srow + col];
      if (kj >= kend || !row_live || (p.causal != 0u && kj > qi)) s = NEG_INF;
      else if (p.has_mask != 0u) s += mask[mbase + kj * p.ms[3]];
      sf[srow + col] = s;
      mx = max(mx, s);
    }
    xch[xi] = mx;
    SG_SYNC();
    const float m_new = max(m_run, max(mx, xch[xi ^ 1u]));
    const float corr = m_new == NEG_INF ? 1.0 : exp(m_run - m_new);
    float lsum = 0.0;
    for (uint c = 0; c < HB; ++c) {
      uint col = half_ * HB + c;
      float s = sf[srow + col];
      float pj = s == NEG_INF ? 0.0 : exp(s - m_new);
      lsum += pj;
      ps[prow + col] = float16_t(pj);
    }
    l_run = l_run * corr + lsum;  // this lane's half; the halves are added at the end
    m_run = m_new;
    SG_SYNC();

    // O = O·corr + P V, 16 columns at a time through the subgroup's (now free) S buffer.
    FragH pf[BC / 16];
    [[unroll]] for (uint j = 0; j < BC / 16; ++j) COOP_LOAD(pf[j], ps, 1u, (sg * 16) * SP + j * 16, SP, false);
    [[unroll]] for (uint c = 0; c < DVP / 16; ++c) {
      FragF oc;
      COOP_ZERO(oc);
      [[unroll]] for (uint j = 0; j < BC / 16; ++j) {
        FragH vf;
        COOP_LOAD(vf, kv, 0u, (BC + j * 16) * SD + c * 16, SD, false);
        oc = coop_mma(pf[j], vf, oc);
      }
      COOP_STORE(oc, sf, sg * 16 * BC, 16);
      SG_SYNC();
      [[unroll]] for (uint i = 0; i < 8; ++i)
        o_run[c * 8 + i] = fma(o_run[c * 8 + i], corr, sf[sg * 16 * BC + r * 16 + half_ * 8 + i]);
      SG_SYNC();
    }
  }

  xch[xi] = l_run;
  SG_SYNC();
  const float l_tot = l_run + xch[xi ^ 1u];
  if (!row_live) return;
  const float inv = l_tot > 0.0 ? 1.0 / l_tot : 0.0;
  [[unroll]] for (uint c = 0; c < DVP / 16; ++c)
    [[unroll]] for (uint i = 0; i < 8; ++i) {
      uint col = c * 16 + half_ * 8 + i;
      if (col < DV) o[(bh * p.Lq + qi) * DV + col] = o_run[c * 8 + i] * inv;
    }
}
