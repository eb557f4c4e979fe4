// The tiled GEMM main loop shared by matmul.comp and conv2d.comp. The including shader
// defines: gemm_M/N/K(), A_elem(batch, m, k), B_elem(batch, k, n) (zero outside), C_store,
// b_k_fastest() (which index of B is contiguous in memory, for coalesced staging), and the
// vec4 loaders use_vec4_a/b(), A_vec4(batch, m, k) (k..k+3), B_vec4(batch, k, n) (4
// consecutive elements along B's contiguous index), used when the host says they are safe.
// A BM x BN tile of C per workgroup, BK-deep slices staged in shared memory (fp16 with
// SHMEM_F16, the fast path), a TM x TN fp32 register block per invocation. The slices are
// double-buffered: slice k+1 is staged while slice k is multiplied, one barrier per slice.
// With GEMM_HOOKS defined the shader also provides gemm_begin(batch, m0, n0), called once,
// and gemm_slice(batch, k0), which may fill a table for slice k0 that B_elem reads while
// that slice is staged. Tables must be double-buffered by slice parity ((k0 / BK) & 1):
// gemm_slice is called for slices 0 and 1 before the loop, and for slice k0 + 2*BK while
// slice k0 + BK is staged (when its parity buffer is no longer read).
#ifdef SHMEM_F16
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define STYPE float16_t
#else
#define STYPE float
#endif
#include "gemm_tiles.glsl"

shared STYPE As[2 * BK * BM];  // [buffer][k][m]
shared STYPE Bs[2 * BK * BN];  // [buffer][k][n]

void stage_slice(uint buf, uint batch, uint m0, uint n0, uint k0) {
  const uint tid = gl_LocalInvocationID.x, threads = (BM / TM) * (BN / TN);
  const uint ao = buf * BK * BM, bo = buf * BK * BN;
  if (use_vec4_a()) {
    for (uint e = tid; e < BM * BK / 4; e += threads) {
      uint kq = (e % (BK / 4)) * 4, mm = e / (BK / 4);
      vec4 v = A_vec4(batch, m0 + mm, k0 + kq);
      As[ao + (kq + 0) * BM + mm] = STYPE(v.x);
      As[ao + (kq + 1) * BM + mm] = STYPE(v.y);
      As[ao + (kq + 2) * BM + mm] = STYPE(v.z);
      As[ao + (kq + 3) * BM + mm] = STYPE(v.w);
    }
  } else {
    for (uint e = tid; e < BM * BK; e += threads) {
      uint kk = e % BK, mm = e / BK;
      As[ao + kk * BM + mm] = STYPE(A_elem(batch, m0 + mm, k0 + kk));
    }
  }
  if (use_vec4_b() && b_k_fastest()) {
    for (uint e = tid; e < BN * BK / 4; e += threads) {
      uint kq = (e % (BK / 4)) * 4, nn = e / (BK / 4);
      vec4 v = B_vec4(batch, k0 + kq, n0 + nn);
      Bs[bo + (kq + 0) * BN + nn] = STYPE(v.x);
      Bs[bo + (kq + 1) * BN + nn] = STYPE(v.y);
      Bs[bo + (kq + 2) * BN + nn] = STYPE(v.z);
      Bs[bo + (kq + 3) * BN + nn] = STYPE(v.w);
    }
  } else if (use_vec4_b()) {
    for (uint e = tid; e < BN * BK / 4; e += threads) {
      uint nq = (e % (BN / 4)) * 4, kk = e / (BN / 4);
      vec4 v = B_vec4(batch, k0 + kk, n0 + nq);
      Bs[bo + kk * BN + nq + 0] = STYPE(v.x);
      Bs[bo + kk * BN + nq + 1] = STYPE(v.y);
      Bs[bo + kk * BN + nq + 2] = STYPE(v.z);
      Bs[bo + kk * BN + nq + 3] = STYPE(v.w);
    }
  } else {
    for (uint e = tid; e < BN * BK; e += threads) {
      uint kk, nn;
      if (b_k_fastest()) { kk = e % BK; nn = e / BK; } else { nn = e % BN; kk = e / BN; }
      Bs[bo + kk * BN + nn] = STYPE(B_elem(batch, k0 + kk, n0 + nn));
    }
  }
}

void main() {
  const uint tid = gl_LocalInvocationID.x;
  const uint tx = tid % (BN / TN), ty = tid / (BN / TN);
  const uint m0 = gl_WorkGroupID.y * BM, n0 = gl_WorkGroupID.x * BN, batch = gl_WorkGroupID.z;
  const uint K = gemm_K();
  float acc[TM][TN];
  [[unroll]] for (uint i = 0; i < TM; ++i)
    [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = 0.0;

#ifdef GEMM_HOOKS
  gemm_begin(batch, m0, n0);
  gemm_slice(batch, 0);
  gemm_slice(batch, BK);
  barrier();
#endif
  stage_slice(0, batch, m0, n0, 0);
  uint cur = 0;
  for (uint k0 = 0; k0 < K; k0 += BK) {
    // Slice k0 is staged in `cur`; every invocation is done with the other buffer (and
    // with the table of slice k0's parity).
    barrier();
    if (k0 + BK < K) {
#ifdef GEMM_HOOKS
      gemm_slice(batch, k0 + 2 * BK);
#endif
      stage_slice(cur ^ 1u, batch, m0, n0, k0 + BK);
    }
    const uint ao = cur * BK * BM, bo = cur * BK * BN;
    [[unroll]] for (uint kk = 0; kk < BK; ++kk) {
      float ra[TM], rb[TN];
      [[unroll]] for (uint i = 0; i < TM; ++i) ra[i] = float(As[ao + kk * BM + (CONTIG != 0u ? ty * TM + i : ty + i * (BM / TM))]);
      [[unroll]] for (uint j = 0; j < TN; ++j) rb[j] = float(Bs[bo + kk * BN + (CONTIG != 0u ? tx * TN + j : tx + j * (BN / TN))]);
      [[unroll]] for (uint i = 0; i < TM; ++i)
        [[unroll]] for (uint j = 0; j < TN; ++j) acc[i][j] = fma(ra[i], rb[j], acc[i][j]);
    }
    cur ^= 1u;
  }
  [[unroll]] for (uint i = 0; i < TM; ++i)
    [[unroll]] for (uint j = 0; j < TN; ++j) {
      uint m = m0 + (CONTIG != 0u ? ty * TM + i : ty + i * (BM / TM));
      uint n = n0 + (CONTIG != 0u ? tx * TN + j : tx + j * (BN / TN));
      if (m < gemm_M() && n < gemm_N()) C_store(batch, m, n, acc[i][j]);
    }
}
