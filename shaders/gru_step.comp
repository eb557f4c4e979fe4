#version 450
// One GRU time step for one direction (PyTorch gate order r, z, n). gi = x_t W_ihᵀ + b_ih
// was computed for every step by one GEMM; this adds h W_hhᵀ + b_hh and updates h.
// One invocation per (batch, hidden unit).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer GI { float gi[]; };   // [B, T, 3H]
layout(std430, binding = 1) readonly buffer WH { float whh[]; };  // [3H, H]
layout(std430, binding = 2) readonly buffer BH { float bhh[]; };  // [3H]
layout(std430, binding = 3) readonly buffer HI { float h_in[]; }; // [B, H]
layout(std430, binding = 4) writeonly buffer HO { float h_out[]; };
layout(std430, binding = 5) writeonly buffer Y { float y[]; };    // [B, T, H * dirs]
layout(push_constant) uniform P { uint B, T, H, t, dirs, dir; } p;

void main() {
  uint i = flat_index();
  if (i >= p.B * p.H) return;
  uint b = i / p.H, u = i % p.H;
  float hr = bhh[u], hz = bhh[p.H + u], hn = bhh[2u * p.H + u];
  for (uint k = 0; k < p.H; ++k) {
    float hk = h_in[b * p.H + k];
    hr = fma(whh[u * p.H + k], hk, hr);
    hz = fma(whh[(p.H + u) * p.H + k], hk, hz);
    hn = fma(whh[(2u * p.H + u) * p.H + k], hk, hn);
  }
  uint g = (b * p.T + p.t) * 3u * p.H;
  float r = sigmoid(gi[g + u] + hr);
  float z = sigmoid(gi[g + p.H + u] + hz);
  float n = safe_tanh(gi[g + 2u * p.H + u] + r * hn);
  float h = (1.0 - z) * n + z * h_in[b * p.H + u];
  h_out[b * p.H + u] = h;
  y[(b * p.T + p.t) * p.H * p.dirs + p.dir * p.H + u] = h;
}
