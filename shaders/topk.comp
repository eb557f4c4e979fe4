#version 450
// top-k over the last dim, descending, ties by lower index: one invocation per row, k
// selection passes (k is small in every pipeline: sampling, pitch candidates).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer V { float vals[]; };
layout(std430, binding = 2) writeonly buffer I { int idx[]; };
layout(push_constant) uniform P { uint rows, D, k; } p;

// a ranks before b: larger value, or equal value and lower index.
bool before(float va, uint ia, float vb, uint ib) { return va > vb || (va == vb && ia < ib); }

void main() {
  uint row = flat_index();
  if (row >= p.rows) return;
  float pv = 0.0;
  uint pi = 0xFFFFFFFFu;
  for (uint s = 0; s < p.k; ++s) {
    float bv = 0.0;
    uint bi = 0xFFFFFFFFu;
    for (uint j = 0; j < p.D; ++j) {
      float v = x[row * p.D + j];
      if (pi != 0xFFFFFFFFu && !before(pv, pi, v, j)) continue;  // already taken
      if (bi == 0xFFFFFFFFu || before(v, j, bv, bi)) { bv = v; bi = j; }
    }
    vals[row * p.k + s] = bv;
    idx[row * p.k + s] = int(bi);
    pv = bv;
    pi = bi;
  }
}
