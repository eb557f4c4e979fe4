#version 450
// Tiled GEMM for linear/matmul (shaders/include/gemm_core.glsl). Weights are dequantized
// while their tile is staged (WTYPE variant), never as a whole matrix.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "matmul_args.glsl"

uint gemm_M() { return p.M; }
uint gemm_N() { return p.N; }
uint gemm_K() { return p.K; }
bool b_k_fastest() { return p.trans_b != 0u; }
float A_elem(uint batch, uint m, uint k) { return load_a(batch, m, k); }
float B_elem(uint batch, uint k, uint n) { return load_w(batch, k, n); }
void C_store(uint batch, uint m, uint n, float v) { store_c(batch, m, n, v); }

#include "gemm_core.glsl"
