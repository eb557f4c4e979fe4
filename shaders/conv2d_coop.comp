#version 450
// Forward conv2d / conv1d as an implicit GEMM on NVIDIA tensor cores (fast path, through
// GL_NV_cooperative_matrix): a 64x64 tile of C[co][pixel] per workgroup of 4 subgroups of 32,
// each owning 32x32 = 2x2 fp16 16x16 matrices accumulated in fp32. The next K slice is
// fetched into registers while the current one is multiplied; X offsets come from a
// per-slice (ci, ky, kx) table and a per-invocation pixel origin (conv_args.glsl), so
// staging needs no integer division. Selected only where the driver has cooperative
// matrices and VKFLOW_VK_CONV is not "basic" (runtime/vulkan/ops/conv.cpp).
// COOP_EMULATE builds the scalar stand-in (shaders/include/coop.glsl) for testing.
#extension GL_GOOGLE_include_directive : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#include "common.glsl"
#include "conv_args.glsl"

const uint BM = 64, BN = 64, BK = 32, THREADS = 128;
const uint SK = BK + 8, SN = BN + 8;  // padded rows against bank conflicts (16-byte multiples)
const uint RA = BM * BK / THREADS, RB = BN * BK / THREADS;  // staged elements per invocation
shared float16_t As[BM * SK];  // weights [m][k]
shared float16_t Bs[BK * SN];  // input columns [k][n]
shared ivec4 ktab[BK];
shared float Cs[4][32 * 32];
#define COOP_READ(id, i) float(id == 0u ? As[i] : Bs[i])
#include "coop.glsl"

void main() {
  const uint tid = gl_LocalInvocationID.x, sg = SG_ID;  // 4 subgroups of 32
  const uint sm = (sg >> 1) * 32, sn = (sg & 1u) * 32;
  const uint g = gl_WorkGroupID.z, m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN;
  const uint M = gemm_M(), K = gemm_K();
  // Staging assignment: A rows a_m + i*(THREADS/BK) at column a_k (a warp reads 32
  // consecutive weights); B rows b_k + i*(THREADS/BN) at pixel b_n (a warp reads 32
  // neighbouring pixels).
  const uint a_k = tid % BK, a_m = tid / BK, b_n = tid % BN, b_k = tid / BN;
  const ivec4 px = pixel_origin(g, n0 + b_n);
  float ra[RA], rb[RB];

  FragF acc[2][2];
  [[unroll]] for (uint i = 0; i < 2; ++i)
    [[unroll]] for (uint j = 0; j < 2; ++j) COOP_ZERO(acc[i][j]);

  if (tid < BK) ktab[tid] = k_entry(tid);
  barrier();
  [[unroll]] for (uint i = 0; i < RA; ++i) {
    uint m = m0 + a_m + i * (THREADS / BK);
    ra[i] = (m < M && a_k < K) ? dequant((g * M + m) * K + a_k) : 0.0;
  }
  [[unroll]] for (uint i = 0; i < RB; ++i) rb[i] = x_at(ktab[b_k + i * (THREADS / BN)], px);

  for (uint k0 = 0; k0 < K; k0 += BK) {
    barrier();  // the previous slice's products and table reads are done
    [[unroll]] for (uint i = 0; i < RA; ++i) As[(a_m + i * (THREADS / BK)) * SK + a_k] = float16_t(ra[i]);
    [[unroll]] for (uint i = 0; i < RB; ++i) Bs[(b_k + i * (THREADS / BN)) * SN + b_n] = float16_t(rb[i]);
    const uint k1 = k0 + BK;
    const bool more = k1 < K;
    if (more && tid < BK) ktab[tid] = k_entry(k1 + tid);
    barrier();
    if (more) {  // fetch slice k1 while the tensor cores work on slice k0
      [[unroll]] for (uint i = 0; i < RA; ++i) {
        uint m = m0 + a_m + i * (THREADS / BK), k = k1 + a_k;
        ra[i] = (m < M && k < K) ? dequant((g * M + m) * K + k) : 0.0;
      }
      [[unroll]] for (uint i = 0; i < RB; ++i) rb[i] = x_at(ktab[b_k + i * (THREADS / BN)], px);
    }
    [[unroll]] for (uint kk = 0; kk < BK; kk += 16) {
      FragH fa[2], fb[2];
      [[unroll]] for (uint i = 0; i < 2; ++i) COOP_LOAD(fa[i], As, 0u, (sm + i * 16) * SK + kk, SK, false);
      [[unroll]] for (uint j = 0; j < 2; ++j) COOP_LOAD(fb[j], Bs, 1u, kk * SN + sn + j * 16, SN, false);
      [[unroll]] for (uint i = 0; i < 2; ++i)
        [[unroll]] for (uint j = 0; j < 2; ++j) acc[i][j] = coop_mma(fa[i], fb[j], acc[i][j]);
    }
  }
  [[unroll]] for (uint i = 0; i < 2; ++i)
    [[unroll]] for (uint j = 0; j < 2; ++j) COOP_STORE(acc[i][j], Cs[sg], i * 16 * 32 + j * 16, 32);
  barrier();
  for (uint e = SG_LANE; e < 32 * 32; e += SG_SIZE) {
    uint m = m0 + sm + e / 32, n = n0 + sn + e % 32;
    if (m < M && n < gemm_N()) C_store(g, m, n, Cs[sg][e]);
  }
}
