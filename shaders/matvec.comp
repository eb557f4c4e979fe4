#version 450
// linear for a few rows (M <= 8: decoding one token per sequence). The tiled GEMM pads M to
// its 64-row tile and gives a 1280-wide layer only 20 workgroups, each walking all of K in
// series; here each workgroup owns NR output columns and its invocations split K, so the
// weight is read once, coalesced, by many workgroups. Partial sums meet in shared memory.
// Same bindings and push constants as matmul.comp (matmul_args.glsl); [N,K] weights only.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "matmul_args.glsl"
layout(constant_id = 1) const uint NR = 4;  // output columns per workgroup
#define MAXM 8
layout(std430, binding = 1) readonly buffer WQ_ { uvec4 wq[]; };  // 16-bit weights, 8 per load

#if WTYPE == WT_BF16
vec2 unpack2(uint word) { return vec2(uintBitsToFloat(word << 16), uintBitsToFloat(word & 0xFFFF0000u)); }
#else
vec2 unpack2(uint word) { return unpackHalf2x16(word); }
#endif

shared float red[MAXM * NR * (gl_WorkGroupSize.x + 1)];  // +1: rows of partial sums start on different banks

void main() {
  uint n0 = (gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x) * NR;
  if (n0 >= p.N) return;  // whole workgroup: no barrier is skipped by a part of it
  uint t = gl_LocalInvocationID.x, nt = gl_WorkGroupSize.x;
  float acc[MAXM][NR];
  [[unroll]] for (uint m = 0; m < MAXM; ++m)
    [[unroll]] for (uint r = 0; r < NR; ++r) acc[m][r] = 0.0;
  uint rows = min(NR, p.N - n0);

#if WTYPE == WT_F32
  if (p.vec4_a != 0u && p.vec4_w != 0u) {
    // K % 4 == 0, aligned: 16-byte loads.
    for (uint k = t * 4u; k < p.K; k += nt * 4u) {
      vec4 wv[NR];
      [[unroll]] for (uint r = 0; r < NR; ++r) wv[r] = r < rows ? w4[((n0 + r) * p.K + k) >> 2] : vec4(0.0);
      [[unroll]] for (uint m = 0; m < MAXM; ++m) {
        if (m >= p.M) break;
        vec4 av = a4[(m * p.K + k) >> 2];
        [[unroll]] for (uint r = 0; r < NR; ++r) acc[m][r] += dot(av, wv[r]);
      }
    }
  } else
#elif WTYPE == WT_F16 || WTYPE == WT_BF16
  if (p.vec4_a != 0u && p.vec4_w != 0u) {
    // K % 8 == 0, aligned: 8 weights per 16-byte load, so many bytes are in flight per thread.
    for (uint k = t * 8u; k < p.K; k += nt * 8u) {
      uvec4 wv[NR];
      [[unroll]] for (uint r = 0; r < NR; ++r) wv[r] = r < rows ? wq[((n0 + r) * p.K + k) >> 3] : uvec4(0u);
      [[unroll]] for (uint m = 0; m < MAXM; ++m) {
        if (m >= p.M) break;
        vec4 a0 = a4[(m * p.K + k) >> 2], a1 = a4[(m * p.K + k + 4u) >> 2];
        [[unroll]] for (uint r = 0; r < NR; ++r)
          acc[m][r] += dot(a0, vec4(unpack2(wv[r].x), unpack2(wv[r].y))) + dot(a1, vec4(unpack2(wv[r].z), unpack2(wv[r].w)));
      }
    }
  } else
#endif
  {
#if WTYPE == WT_F16 || WTYPE == WT_BF16
    // Two 16-bit weights per word when K is even (every row starts on a word).
    if ((p.K & 1u) == 0u) {
      for (uint k = t * 2u; k < p.K; k += nt * 2u) {
        vec2 wv[NR];
        [[unroll]] for (uint r = 0; r < NR; ++r) {
          wv[r] = unpack2(r < rows ? w[((n0 + r) * p.K + k) >> 1] : 0u);
        }
        [[unroll]] for (uint m = 0; m < MAXM; ++m) {
          if (m >= p.M) break;
          vec2 av = vec2(a[m * p.K + k], a[m * p.K + k + 1u]);
          [[unroll]] for (uint r = 0; r < NR; ++r) acc[m][r] += dot(av, wv[r]);
        }
      }
    } else
#endif
    {
      for (uint k = t; k < p.K; k += nt) {
        float wv[NR];
        [[unroll]] for (uint r = 0; r < NR; ++r) wv[r] = r < rows ? dequant((n0 + r) * p.K + k) : 0.0;
        [[unroll]] for (uint m = 0; m < MAXM; ++m) {
          if (m >= p.M) break;
          float av = a[m * p.K + k];
          [[unroll]] for (uint r = 0; r < NR; ++r) acc[m][r] = fma(av, wv[r], acc[m][r]);
        }
      }
    }
  }

  // Partial sums of the M used rows meet in shared memory; one invocation per output adds
  // them up (a barrier-per-level tree measured 2x slower on llvmpipe).
  uint stride = nt + 1u, outs = p.M * NR;
  [[unroll]] for (uint m = 0; m < MAXM; ++m) {
    if (m >= p.M) break;
    [[unroll]] for (uint r = 0; r < NR; ++r) red[(m * NR + r) * stride + t] = acc[m][r];
  }
  barrier();
  if (t < outs && t % NR < rows) {
    float s = 0.0;
    for (uint j = 0; j < nt; ++j) s += red[t * stride + j];
    store_c(0u, t / NR, n0 + t % NR, s);
  }
}
