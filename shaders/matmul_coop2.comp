#version 450
#extension GL_GOOGLE_include_directive : require
// Fast-path GEMM on NVIDIA tensor cores (GL_NV_cooperative_matrix; COOP_EMULATE: the scalar
// stand-in) with the pipelined tile of coop_tile.glsl; WM, WN, FM, FN pick the tile
// (runtime/vulkan/ops/coop_tiles.cpp). Same bindings, push constants and epilogue as
// matmul_coop.comp (matmul_args.glsl). A and W slices are read as 16-byte quads along K
// (along N for [K,N] weights) and converted to fp16 while staged.
#include "common.glsl"
#include "matmul_args.glsl"
#define B_KN 0
#include "coop_tile.glsl"

const uint QA = BM * BK / 4 / THREADS, QB = BN * BK / 4 / THREADS;  // quads per invocation
const uint ROWS_K = THREADS / (BK / 4);  // rows covered per pass when quads run along K
const uint ROWS_N = THREADS / (BN / 4);  // k rows per pass when quads run along N
vec4 ra[QA];
WQUAD rb[QB];
uint g_batch, g_m0, g_n0;

vec4 a_quad(uint m, uint k) {
  if (use_vec4_a()) return A_vec4(g_batch, m, k);
  return vec4(load_a(g_batch, m, k), load_a(g_batch, m, k + 1u), load_a(g_batch, m, k + 2u), load_a(g_batch, m, k + 3u));
}
// W(k..k+3, n) of a [N,K] weight. Packed reads need K % 4 == 0 (host), so a quad is whole.
WQUAD w_quad_k(uint k, uint n) {
  if (use_vec4_b()) return (k < p.K && n < p.N) ? wquad_load(g_batch * p.w_batch + n * p.K + k) : wquad_from(vec4(0.0));
  return wquad_from(vec4(load_w(g_batch, k, n), load_w(g_batch, k + 1u, n), load_w(g_batch, k + 2u, n), load_w(g_batch, k + 3u, n)));
}
// W(k, n..n+3) of a [K,N] weight (packed: f32 only).
WQUAD w_quad_n(uint k, uint n) {
  if (use_vec4_b()) return wquad_from(B_vec4(g_batch, k, n));
  return wquad_from(vec4(load_w(g_batch, k, n), load_w(g_batch, k, n + 1u), load_w(g_batch, k, n + 2u), load_w(g_batch, k, n + 3u)));
}

void fetch_slice(uint kt) {
  const uint tid = gl_LocalInvocationID.x, k0 = kt * BK, q = (tid % (BK / 4)) * 4, r = tid / (BK / 4);
  [[unroll]] for (uint i = 0; i < QA; ++i) ra[i] = a_quad(g_m0 + r + i * ROWS_K, k0 + q);
  if (p.trans_b != 0u) {
    [[unroll]] for (uint i = 0; i < QB; ++i) rb[i] = w_quad_k(k0 + q, g_n0 + r + i * ROWS_K);
  } else {
    const uint nq = (tid % (BN / 4)) * 4, kr = tid / (BN / 4);
    [[unroll]] for (uint i = 0; i < QB; ++i) rb[i] = w_quad_n(k0 + kr + i * ROWS_N, g_n0 + nq);
  }
}

void stash_slice(uint a_off, uint b_off) {
  const uint tid = gl_LocalInvocationID.x, q = (tid % (BK / 4)) * 4, r = tid / (BK / 4);
  [[unroll]] for (uint i = 0; i < QA; ++i) {
    uint o = a_off + (r + i * ROWS_K) * SK + q;
    f16vec4 h = f16vec4(ra[i]);
    [[unroll]] for (uint e = 0; e < 4; ++e) As[o + e] = h[e];
  }
  if (p.trans_b != 0u) {
    [[unroll]] for (uint i = 0; i < QB; ++i) {
      uint o = b_off + (r + i * ROWS_K) * SK + q;
      f16vec4 h = wquad_h(rb[i]);
      [[unroll]] for (uint e = 0; e < 4; ++e) Bs[o + e] = h[e];
    }
  } else {
    const uint nq = (tid % (BN / 4)) * 4, kr = tid / (BN / 4);
    [[unroll]] for (uint i = 0; i < QB; ++i) {
      f16vec4 h = wquad_h(rb[i]);
      [[unroll]] for (uint e = 0; e < 4; ++e) Bs[b_off + (nq + e) * SK + kr + i * ROWS_N] = h[e];
    }
  }
}

void store_tile_elem(uint m, uint n, float v) { store_c(g_batch, m, n, v); }

void main() {
  g_batch = gl_WorkGroupID.z;
  g_m0 = gl_WorkGroupID.y * BM;
  g_n0 = gl_WorkGroupID.x * BN;
  coop_tile_gemm(g_m0, g_n0, p.K);
}
