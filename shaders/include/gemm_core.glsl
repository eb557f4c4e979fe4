// The tiled GEMM main loop shared by matmul.comp and conv2d.comp. The including shader
// defines: gemm_M/N/K(), A_elem(batch, m, k), B_elem(batch, k, n) (zero outside), C_store,
// b_k_fastest() (which index of B is contiguous in memory, for coalesced staging), and the
// vec4 loaders use_vec4_a/b(), A_vec4(batch, m, k) (k..k+3), B_vec4(batch, k, n) (4
// consecutive elements along B's contiguous index), used when the host says they are safe.
// A BM x BN tile of C per workgroup, BK-deep slices staged in shared memory (fp16 with
// SHMEM_F16, the fast path), a TM x TN fp32 register block per invocation.
// With GEMM_HOOKS defined the shader also provides gemm_begin(batch, m0, n0), called once,
// and gemm_slice(batch, k0), called before each slice is staged (both may fill shared
// tables that A_elem/B_elem read; a barrier follows).
#ifdef SHMEM_F16
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define STYPE float16_t
#else
#define STYPE float
#endif
#include "gemm_tiles.glsl"

shared STYPE As[BK * BM];  // [k][m]
shared STYPE Bs[BK * BN];  // [k][n]

void main() {
  const uint tid = gl_LocalInvocationID.x;
  const uint threads = (BM / TM) * (BN / TN);
  const uint tx = tid % (BN / TN), ty = tid / (BN / TN);
  const uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN, batch = gl_WorkGroupID.z;
  const uint K = gemm_K();
  float acc[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; ++i)
    [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;

#ifdef GEMM_HOOKS
  gemm_begin(batch, m0, n0);
#endif
  for (uint k0 = 0; k0 < K; k0 += BK) {
#ifdef GEMM_HOOKS
    gemm_slice(batch, k0);
    barrier();
#endif
    if (use_vec4_a()) {
      for (uint e = tid; e < BM * BK / 4; e += threads) {
        uint kq = (e % (BK / 4)) * 4, mm = e / (BK / 4);
        vec4 v = A_vec4(batch, m0 + mm, k0 + kq);
        As[(kq + 0) * BM + mm] = STYPE(v.x);
        As[(kq + 1) * BM + mm] = STYPE(v.y);
        As[(kq + 2) * BM + mm] = STYPE(v.z);
        As[(kq + 3) * BM + mm] = STYPE(v.w);
      }
    } else {
      for (uint e = tid; e < BM * BK; e += threads) {
        uint kk = e % BK, mm = e / BK;
        As[kk * BM + mm] = STYPE(A_elem(batch, m0 + mm, k0 + kk));
      }
    }
    if (use_vec4_b() && b_k_fastest()) {
      for (uint e = tid; e < BN * BK / 4; e += threads) {
        uint kq = (e % (BK / 4)) * 4, nn = e / (BK / 4);
        vec4 v = B_vec4(batch, k0 + kq, n0 + nn);
        Bs[(kq + 0) * BN + nn] = STYPE(v.x);
        Bs[(kq + 1) * BN + nn] = STYPE(v.y);
        Bs[(kq + 2) * BN + nn] = STYPE(v.z);
        Bs[(kq + 3) * BN + nn] = STYPE(v.w);
      }
    } else if (use_vec4_b()) {
      for (uint e = tid; e < BN * BK / 4; e += threads) {
        uint nq = (e % (BN / 4)) * 4, kk = e / (BN / 4);
        vec4 v = B_vec4(batch, k0 + kk, n0 + nq);
        Bs[kk * BN + nq + 0] = STYPE(v.x);
        Bs[kk * BN + nq + 1] = STYPE(v.y);
        Bs[kk * BN + nq + 2] = STYPE(v.z);
        Bs[kk * BN + nq + 3] = STYPE(v.w);
      }
    } else {
      for (uint e = tid; e < BN * BK; e += threads) {
        uint kk, nn;
        if (b_k_fastest()) { kk = e % BK; nn = e / BK; } else { nn = e % BN; kk = e / BN; }
        Bs[kk * BN + nn] = STYPE(B_elem(batch, k0 + kk, n0 + nn));
      }
    }
    barrier();
    [[unroll]] for (uint kk = 0; kk < BK; ++kk) {
      float ra[TM], rb[TN];
      [[unroll]] for (uint i = 0; i < TM; ++i) ra[i] = float(As[kk * BM + (CONTIG != 0u ? ty * TM + i : ty + i * (BM / TM))]);
      [[unroll]] for (uint j = 0; j < TN; ++j) rb[j] = float(Bs[kk * BN + (CONTIG != 0u ? tx * TN + j : tx + j * (BN / TN))]);
      [[unroll]] for (uint i = 0; i < TM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = fma(ra[i], rb[j], acc[i][j]);
    }
    barrier();
  }
  [[unroll]] for (uint i = 0; i < TM; ++i)
    [[unroll]] for (uint j = 0; j < TN; ++j) {
      uint m = m0 + (CONTIG != 0u ? ty * TM + i : ty + i * (BM / TM));
      uint n = n0 + (CONTIG != 0u ? tx * TN + j : tx + j * (BN / TN));
      if (m < gemm_M() && n < gemm_N()) C_store(batch, m, n, acc[i][j]);
    }
}
