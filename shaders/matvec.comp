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
layout(constant_id = 2) const uint LN = 0;  // 1: the layer-norm prologue (a pipeline of its own)
#define MAXM 8

// Layer-norm prologue: every workgroup takes its rows' statistics itself — the rows are a
// few KiB in cache — and normalizes A as it loads it.
shared float ln_mean[MAXM], ln_rstd[MAXM];
float ln_a(uint m, uint k, float v) { return LN != 0u ? (v - ln_mean[m]) * ln_rstd[m] * ln_w[k] + ln_b[k] : v; }
vec4 ln_a4(uint m, uint k, vec4 v) {
  if (LN == 0u) return v;
  return (v - ln_mean[m]) * ln_rstd[m] * vec4(ln_w[k], ln_w[k + 1u], ln_w[k + 2u], ln_w[k + 3u]) +
         vec4(ln_b[k], ln_b[k + 1u], ln_b[k + 2u], ln_b[k + 3u]);
}
layout(std430, binding = 1) readonly buffer WQ_ { uvec4 wq[]; };  // 16-bit weights, 8 per load

#if WTYPE == WT_BF16
vec2 unpack2(uint word) { return vec2(uintBitsToFloat(word << 16), uintBitsToFloat(word & 0xFFFF0000u)); }
#else
vec2 unpack2(uint word) { return unpackHalf2x16(word); }
#endif

// +1: rows of partial sums start on different banks; at least 2 columns for the prologue's sums.
shared float red[MAXM * (NR < 2u ? 2u : NR) * (gl_WorkGroupSize.x + 1)];

void main() {
  uint n0 = (gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x) * NR;
  if (n0 >= p.N) return;  // whole workgroup: no barrier is skipped by a part of it
  uint t = gl_LocalInvocationID.x, nt = gl_WorkGroupSize.x;
  float acc[MAXM][NR];
  [[unroll]] for (uint m = 0; m < MAXM; ++m)
    [[unroll]] for (uint r = 0; r < NR; ++r) acc[m][r] = 0.0;
  uint rows = min(NR, p.N - n0);
  if (LN != 0u) {
    // One pass over each row for the sums of (x - x0) and of its square (shifted by the row's
    // first element, which keeps the variance accurate when the mean is large); one
    // invocation per row and sum adds the partials, so the prologue costs two barriers.
    uint stride = nt + 1u;
    [[unroll]] for (uint m = 0; m < MAXM; ++m) {
      if (m >= p.M) break;
      float x0 = a[m * p.K], s1 = 0.0, s2 = 0.0;
      for (uint k = t; k < p.K; k += nt) {
        float d = a[m * p.K + k] - x0;
        s1 += d;
        s2 += d * d;
      }
      red[2u * m * stride + t] = s1;
      red[(2u * m + 1u) * stride + t] = s2;
    }
    barrier();
    if (t < 2u * p.M) {
      float v = 0.0;
      for (uint j = 0; j < nt; ++j) v += red[t * stride + j];
      red[t * stride + nt] = v;
    }
    barrier();
    if (t < p.M) {
      float d = red[2u * t * stride + nt] / float(p.K), var = max(red[(2u * t + 1u) * stride + nt] / float(p.K) - d * d, 0.0);
      ln_mean[t] = a[t * p.K] + d;
      ln_rstd[t] = inversesqrt(var + p.ln_eps);
    }
    barrier();  // red is reused for the partial sums below
  }

#if WTYPE == WT_F32
  if (p.vec4_a != 0u && p.vec4_w != 0u) {
    // K % 4 == 0, aligned: 16-byte loads.
    for (uint k = t * 4u; k < p.K; k += nt * 4u) {
      vec4 wv[NR];
      [[unroll]] for (uint r = 0; r < NR; ++r) wv[r] = r < rows ? w4[((n0 + r) * p.K + k) >> 2] : vec4(0.0);
      [[unroll]] for (uint m = 0; m < MAXM; ++m) {
        if (m >= p.M) break;
        vec4 av = ln_a4(m, k, a4[(m * p.K + k) >> 2]);
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
        vec4 a0 = ln_a4(m, k, a4[(m * p.K + k) >> 2]), a1 = ln_a4(m, k + 4u, a4[(m * p.K + k + 4u) >> 2]);
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
          vec2 av = vec2(ln_a(m, k, a[m * p.K + k]), ln_a(m, k + 1u, a[m * p.K + k + 1u]));
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
          float av = ln_a(m, k, a[m * p.K + k]);
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
