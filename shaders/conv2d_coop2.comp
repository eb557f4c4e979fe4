#version 450
#extension GL_GOOGLE_include_directive : require
// Forward conv2d / conv1d as an implicit GEMM on NVIDIA tensor cores (COOP_EMULATE: the
// scalar stand-in) with the pipelined tile of coop_tile.glsl: C[co][pixel] = W[co][k] *
// X(k, pixel), X staged [k][n]. Weight rows are read as quads along K; X through the
// per-slice (ci, ky, kx) table (double-buffered: the table of slice k+1 is written while
// slice k is fetched) and a per-invocation pixel origin (conv_args.glsl). WM, WN, FM, FN pick
// the tile (runtime/vulkan/ops/coop_tiles.cpp).
#include "common.glsl"
#include "conv_args.glsl"
#define B_KN 1
#include "coop_tile.glsl"

const uint QA = BM * BK / 4 / THREADS, RB = BN * BK / THREADS;
const uint ROWS_A = THREADS / (BK / 4), ROWS_B = THREADS / BN;
shared ivec4 ktab[2 * BK];
WQUAD ra[QA];
float rb[RB];
uint g_group, g_m0, g_M, g_K;
ivec4 g_px;

void fetch_slice(uint kt) {
  const uint tid = gl_LocalInvocationID.x, k0 = kt * BK, q = (tid % (BK / 4)) * 4, r = tid / (BK / 4);
  const bool packed = p.vec4_w != 0u;
  [[unroll]] for (uint i = 0; i < QA; ++i) {
    uint m = g_m0 + r + i * ROWS_A, k = k0 + q, e = (g_group * g_M + m) * g_K + k;
    if (packed) {  // K % 4 == 0: the quad is all in or all out
      ra[i] = (m < g_M && k < g_K) ? wquad_load(e) : wquad_from(vec4(0.0));
    } else {
      vec4 v;
      [[unroll]] for (uint c = 0; c < 4; ++c) v[c] = (m < g_M && k + c < g_K) ? dequant(e + c) : 0.0;
      ra[i] = wquad_from(v);
    }
  }
  const uint kb = (kt & 1u) * BK, bn = tid % BN, bk = tid / BN;
  [[unroll]] for (uint i = 0; i < RB; ++i) rb[i] = x_at(ktab[kb + bk + i * ROWS_B], g_px);
  if (tid < BK) ktab[(kb ^ BK) + tid] = k_entry(k0 + BK + tid);  // for fetch_slice(kt + 1)
}

void stash_slice(uint a_off, uint b_off) {
  const uint tid = gl_LocalInvocationID.x, q = (tid % (BK / 4)) * 4, r = tid / (BK / 4);
  [[unroll]] for (uint i = 0; i < QA; ++i) {
    uint o = a_off + (r + i * ROWS_A) * SK + q;
    f16vec4 h = wquad_h(ra[i]);
    [[unroll]] for (uint e = 0; e < 4; ++e) As[o + e] = h[e];
  }
  const uint bn = tid % BN, bk = tid / BN;
  [[unroll]] for (uint i = 0; i < RB; ++i) Bs[b_off + (bk + i * ROWS_B) * SN + bn] = float16_t(rb[i]);
}

void store_tile_elem(uint m, uint n, float v) {
  if (m < g_M && n < gemm_N()) C_store(g_group, m, n, v);
}

void main() {
  const uint tid = gl_LocalInvocationID.x;
  g_group = gl_WorkGroupID.z;
  g_m0 = gl_WorkGroupID.y * BM;
  g_M = gemm_M();
  g_K = gemm_K();
  const uint n0 = gl_WorkGroupID.x * BN;
  g_px = pixel_origin(g_group, n0 + tid % BN);
  if (tid < BK) ktab[tid] = k_entry(tid);  // slice 0's table
  barrier();
  coop_tile_gemm(g_m0, n0, g_K);
}
