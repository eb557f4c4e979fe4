#version 450
// concat of two contiguous tensors of 32-bit elements along one axis, in one dispatch (a
// decoder appends one position to its K/V caches every step). Output element (o, j, i) —
// outer index, position on the axis, inner index — comes from a when j < na, else from b.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer A_ { uint a[]; };
layout(std430, binding = 1) readonly buffer B_ { uint b[]; };
layout(std430, binding = 2) writeonly buffer Y_ { uint y[]; };
layout(push_constant) uniform P { uint n, na, nb, inner; } p;

void main() {
  uint idx = flat_index();
  if (idx >= p.n) return;
  uint i = idx % p.inner, t = idx / p.inner, row = p.na + p.nb;
  uint j = t % row, o = t / row;
  y[idx] = j < p.na ? a[(o * p.na + j) * p.inner + i] : b[(o * p.nb + (j - p.na)) * p.inner + i];
}
