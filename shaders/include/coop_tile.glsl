// Tensor-core GEMM tile shared by matmul_coop2.comp and conv2d_coop2.comp: a BM x BN tile of
// C per workgroup of WM x WN subgroups of 32, each owning FM x FN 16x16 fp32 accumulators
// (through coop.glsl, so COOP_EMULATE builds a scalar stand-in); K walked in BK = 32 slices
// staged as fp16 in shared memory with padded rows.
// Pipeline: slice k+1 is fetched from global memory into registers while the MMAs of slice k
// run. STAGES (specialization constant 1) = 2: two shared slices, one barrier per slice;
// 1: one shared slice and two barriers per slice (for devices with 32 KiB of shared memory).
// The including shader defines WM, WN, FM, FN and B_KN (1: B staged [k][n], else [n][k]),
// includes this file, then defines the three hooks declared below.
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require

const uint BM = WM * FM * 16, BN = WN * FN * 16, BK = 32, NSG = WM * WN, THREADS = NSG * 32;
const uint SK = BK + 8, SN = BN + 8;  // padded rows (16-byte multiples) against bank conflicts
const uint A_SLICE = BM * SK;         // A staged [m][k]
#if B_KN
const uint B_SLICE = BK * SN;
#else
const uint B_SLICE = BN * SK;
#endif
layout(constant_id = 1) const uint STAGES = 2;
shared float16_t As[STAGES * A_SLICE];
shared float16_t Bs[STAGES * B_SLICE];
shared float Cs[NSG * 256];  // one 16x16 output fragment per subgroup on its way out
#define COOP_READ(id, i) float(id == 0u ? As[i] : Bs[i])
#include "coop.glsl"

// Weight quads in registers between fetch and stash: f16 weights stay packed (two words, no
// conversions on the way to shared memory); other types as vec4.
#if WTYPE == WT_F16
#define WQUAD uvec2
WQUAD wquad_from(vec4 v) { return uvec2(packHalf2x16(v.xy), packHalf2x16(v.zw)); }
WQUAD wquad_load(uint e) { return uvec2(W_WORDS(e >> 1), W_WORDS((e >> 1) + 1u)); }  // packed: e % 4 == 0
f16vec4 wquad_h(WQUAD q) { return f16vec4(unpackFloat2x16(q.x), unpackFloat2x16(q.y)); }
#else
#define WQUAD vec4
WQUAD wquad_from(vec4 v) { return v; }
WQUAD wquad_load(uint e) { return dequant4(e, true); }
f16vec4 wquad_h(WQUAD q) { return f16vec4(q); }
#endif

// Global -> registers for K slice kt (zeros past M, N, K).
void fetch_slice(uint kt);
// Registers -> the shared slice at As[a_off..], Bs[b_off..].
void stash_slice(uint a_off, uint b_off);
// Epilogue for one element of C (m, n relative to the whole problem; the hook bounds-checks).
void store_tile_elem(uint m, uint n, float v);

void coop_tile_gemm(uint m0, uint n0, uint K) {
  const uint sg = SG_ID, sm = (sg / WN) * (FM * 16), sn = (sg % WN) * (FN * 16);
  FragF acc[FM][FN];
  [[unroll]] for (uint i = 0; i < FM; ++i)
    [[unroll]] for (uint j = 0; j < FN; ++j) COOP_ZERO(acc[i][j]);

  const uint nk = (K + BK - 1) / BK;
  fetch_slice(0u);
  stash_slice(0u, 0u);
  barrier();
  for (uint kt = 0; kt < nk; ++kt) {
    const uint cur = STAGES == 2u ? (kt & 1u) : 0u;
    const bool more = kt + 1u < nk;
    if (more) fetch_slice(kt + 1u);  // loads in flight while the tensor cores work
    [[unroll]] for (uint kk = 0; kk < BK; kk += 16) {
      FragH fa[FM], fb[FN];
      [[unroll]] for (uint i = 0; i < FM; ++i)
        COOP_LOAD(fa[i], As, 0u, cur * A_SLICE + (sm + i * 16) * SK + kk, SK, false);
      [[unroll]] for (uint j = 0; j < FN; ++j) {
#if B_KN
        COOP_LOAD(fb[j], Bs, 1u, cur * B_SLICE + kk * SN + sn + j * 16, SN, false);
#else  // [n][k] rows are B's columns: a column-major view
        COOP_LOAD(fb[j], Bs, 1u, cur * B_SLICE + (sn + j * 16) * SK + kk, SK, true);
#endif
      }
      [[unroll]] for (uint i = 0; i < FM; ++i)
        [[unroll]] for (uint j = 0; j < FN; ++j) acc[i][j] = coop_mma(fa[i], fb[j], acc[i][j]);
    }
    if (STAGES == 2u) {
      // The other slice was last read before the previous barrier: refill it now.
      if (more) stash_slice((cur ^ 1u) * A_SLICE, (cur ^ 1u) * B_SLICE);
      barrier();
    } else {
      barrier();
      if (more) stash_slice(0u, 0u);
      barrier();
    }
  }
  [[unroll]] for (uint i = 0; i < FM; ++i)
    [[unroll]] for (uint j = 0; j < FN; ++j) {
      COOP_STORE(acc[i][j], Cs, sg * 256u, 16u);
      SG_SYNC();
      for (uint e = SG_LANE; e < 256u; e += SG_SIZE)
        store_tile_elem(m0 + sm + i * 16 + e / 16, n0 + sn + j * 16 + e % 16, Cs[sg * 256u + e]);
      SG_SYNC();
    }
}
