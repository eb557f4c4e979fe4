#version 450
#extension GL_GOOGLE_include_directive : require
// Fast-path GEMM on NVIDIA tensor cores through GL_NV_cooperative_matrix (glslang 12 has no
// KHR version): 64x64 C tile per workgroup of 4 subgroups, each owning 32x32 = 2x2 16x16
// fp16 matrices accumulated in fp32. A and W tiles are converted to fp16 while staged.
#extension GL_NV_cooperative_matrix : require
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#extension GL_KHR_memory_scope_semantics : require
#extension GL_KHR_shader_subgroup_basic : require
#include "common.glsl"
#include "matmul_args.glsl"

const uint BM = 64, BN = 64, BK = 32, SK = BK + 8;  // padded rows against bank conflicts
shared float16_t As[BM * SK];  // [m][k]
shared float16_t Ws[BN * SK];  // [n][k]
shared float Cs[4][32 * 32];

void main() {
  const uint tid = gl_LocalInvocationID.x, threads = gl_WorkGroupSize.x;
  const uint sg = gl_SubgroupID;  // 0..3
  const uint sm = (sg >> 1) * 32, sn = (sg & 1u) * 32;
  const uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN, batch = gl_WorkGroupID.z;
  fcoopmatNV<32, gl_ScopeSubgroup, 16, 16> acc[2][2];
  [[unroll]] for (int i = 0; i < 2; ++i)
    [[unroll]] for (int j = 0; j < 2; ++j) acc[i][j] = fcoopmatNV<32, gl_ScopeSubgroup, 16, 16>(0.0);

  for (uint k0 = 0; k0 < p.K; k0 += BK) {
    for (uint e = tid; e < BM * BK; e += threads) {
      uint kk = e % BK, mm = e / BK;
      As[mm * SK + kk] = float16_t(load_a(batch, m0 + mm, k0 + kk));
    }
    for (uint e = tid; e < BN * BK; e += threads) {
      uint kk, nn;
      if (p.trans_b != 0u) { kk = e % BK; nn = e / BK; } else { nn = e % BN; kk = e / BN; }
      Ws[nn * SK + kk] = float16_t(load_w(batch, k0 + kk, n0 + nn));
    }
    barrier();
    [[unroll]] for (uint kk = 0; kk < BK; kk += 16) {
      fcoopmatNV<16, gl_ScopeSubgroup, 16, 16> fa[2], fw[2];
      [[unroll]] for (uint i = 0; i < 2; ++i)
        coopMatLoadNV(fa[i], As, (sm + i * 16) * SK + kk, SK, false);
      [[unroll]] for (uint j = 0; j < 2; ++j)  // W^T tile: column-major view of [n][k]
        coopMatLoadNV(fw[j], Ws, (sn + j * 16) * SK + kk, SK, true);
      [[unroll]] for (uint i = 0; i < 2; ++i)
        [[unroll]] for (uint j = 0; j < 2; ++j) acc[i][j] = coopMatMulAddNV(fa[i], fw[j], acc[i][j]);
    }
    barrier();
  }
  [[unroll]] for (uint i = 0; i < 2; ++i)
    [[unroll]] for (uint j = 0; j < 2; ++j) coopMatStoreNV(acc[i][j], Cs[sg], i * 16 * 32 + j * 16, 32, false);
  barrier();
  for (uint e = gl_SubgroupInvocationID; e < 32 * 32; e += gl_SubgroupSize)
    store_c(batch, m0 + sm + e / 32, n0 + sn + e % 32, Cs[sg][e]);
}
