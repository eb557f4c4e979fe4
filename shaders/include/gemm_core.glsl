// The tiled GEMM main loop shared by matmul.comp and conv2d.comp. The including shader
// defines: gemm_M/N/K(), A_elem(batch, m, k), B_elem(batch, k, n) (zero outside), C_store,
// and b_k_fastest() (which index of B is contiguous in memory, for coalesced staging).
// A BM x BN tile of C per workgroup, BK-deep slices staged in shared memory (fp16 with
// SHMEM_F16, the fast path), a TM x TN fp32 register block per invocation.
#ifdef SHMEM_F16
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define STYPE float16_t
#else
#define STYPE float
#endif
layout(constant_id = 1) const uint BM = 64;
layout(constant_id = 2) const uint BN = 64;
layout(constant_id = 3) const uint BK = 16;
layout(constant_id = 4) const uint TM = 4;
layout(constant_id = 5) const uint TN = 4;

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

  for (uint k0 = 0; k0 < K; k0 += BK) {
    for (uint e = tid; e < BM * BK; e += threads) {
      uint kk = e % BK, mm = e / BK;
      As[kk * BM + mm] = STYPE(A_elem(batch, m0 + mm, k0 + kk));
    }
    for (uint e = tid; e < BN * BK; e += threads) {
      uint kk, nn;
      if (b_k_fastest()) { kk = e % BK; nn = e / BK; } else { nn = e % BN; kk = e / BN; }
      Bs[kk * BN + nn] = STYPE(B_elem(batch, k0 + kk, n0 + nn));
    }
    barrier();
    [[unroll]] for (uint kk = 0; kk < BK; ++kk) {
      float ra[TM], rb[TN];
      [[unroll]] for (uint i = 0; i < TM; ++i) ra[i] = float(As[kk * BM + ty + i * (BM / TM)]);
      [[unroll]] for (uint j = 0; j < TN; ++j) rb[j] = float(Bs[kk * BN + tx + j * (BN / TN)]);
      [[unroll]] for (uint i = 0; i < TM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = fma(ra[i], rb[j], acc[i][j]);
    }
    barrier();
  }
  [[unroll]] for (uint i = 0; i < TM; ++i)
    [[unroll]] for (uint j = 0; j < TN; ++j) {
      uint m = m0 + ty + i * (BM / TM), n = n0 + tx + j * (BN / TN);
      if (m < gemm_M() && n < gemm_N()) C_store(batch, m, n, acc[i][j]);
    }
}
