// Bindings and parameters shared by the matmul variants. C[b][m][n_off + n] =
// act(sum_k A[b][m][k] * W(k, n) (+ bias[n_off + n])) (+ R[b][m][n_off + n]); W is [N,K]
// (TRANS_B, any WTYPE) or [K,N]. The epilogue (act: GELU; R: a residual the shape of C) saves
// decoders their separate elementwise dispatches; so does matvec.comp's layer-norm prologue.
// The weight binding may be a window of rows [n_off, n_off + N) of a larger matrix, which
// is how weights above maxStorageBufferRange are processed.
layout(std430, binding = 0) readonly buffer A_ { float a[]; };
layout(std430, binding = 0) readonly buffer A4_ { vec4 a4[]; };  // same buffer, 16-byte view
layout(std430, binding = 1) readonly buffer W_ { uint w[]; };
layout(std430, binding = 1) readonly buffer W4_ { vec4 w4[]; };
layout(std430, binding = 2) readonly buffer Bias_ { float bias[]; };
layout(std430, binding = 3) writeonly buffer C_ { float c[]; };
layout(std430, binding = 4) readonly buffer R_ { float residual[]; };
// Layer-norm prologue (matvec.comp only): each row of A is normalized, scaled and shifted
// first; the GEMM paths get normalized rows from the host instead.
layout(std430, binding = 5) readonly buffer LnW_ { float ln_w[]; };
layout(std430, binding = 6) readonly buffer LnB_ { float ln_b[]; };
layout(push_constant) uniform P {
  uint M, N, K;
  uint ldc;             // row stride of C (total N)
  uint n_off;           // first column of C / bias this dispatch writes
  uint a_batch, w_batch, c_batch;  // element strides between batches (w_batch 0 = shared)
  uint trans_b, has_bias;
  uint vec4_a, vec4_w;  // host-checked: K (and for [K,N] weights N) multiple of 4, f32 data
  uint act;             // 0 none, 1 GELU (erf form), after the bias
  uint has_residual;
  uint has_ln;          // matvec.comp: layer-norm A's rows first (ln_w, ln_b, ln_eps)
  float ln_eps;
} p;
#define W_WORDS(i) w[i]
#define W_QUAD(i) w4[i]
#include "bytes.glsl"
#include "dequant.glsl"

float load_a(uint batch, uint m, uint k) {
  return (m < p.M && k < p.K) ? a[batch * p.a_batch + m * p.K + k] : 0.0;
}
float load_w(uint batch, uint k, uint n) {
  if (k >= p.K || n >= p.N) return 0.0;
  return dequant(batch * p.w_batch + (p.trans_b != 0u ? n * p.K + k : k * p.N + n));
}
void store_c(uint batch, uint m, uint n, float v) {
  if (m >= p.M || n >= p.N) return;
  if (p.has_bias != 0u) v += bias[p.n_off + n];
  if (p.act == 1u) v = 0.5 * v * (1.0 + erf_approx(v * 0.70710678118654752));
  uint at = batch * p.c_batch + m * p.ldc + p.n_off + n;
  if (p.has_residual != 0u) v += residual[at];
  c[at] = v;
}

bool use_vec4_a() { return p.vec4_a != 0u; }
bool use_vec4_b() { return p.vec4_w != 0u; }
// 4 consecutive k of row m (K % 4 == 0, so a quad is all in or all out).
vec4 A_vec4(uint batch, uint m, uint k) {
  return (m < p.M && k < p.K) ? a4[(batch * p.a_batch + m * p.K + k) >> 2] : vec4(0.0);
}
// 4 consecutive elements along W's contiguous index: k for [N,K], n for [K,N] (N % 4 == 0).
vec4 B_vec4(uint batch, uint k, uint n) {
  if (k >= p.K || n >= p.N) return vec4(0.0);
  return w4[(batch * p.w_batch + (p.trans_b != 0u ? n * p.K + k : k * p.N + n)) >> 2];
}
