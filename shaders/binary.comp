#version 450
#extension GL_GOOGLE_include_directive : require
// out = a (op) b with NumPy broadcasting over up to 6 (coalesced) dims; broadcast inputs
// have stride 0. The op is specialization constant 1: 0 add, 1 sub, 2 mul, 3 div.
#include "common.glsl"
layout(constant_id = 1) const uint OP = 0;
layout(std430, binding = 0) readonly buffer A { float a[]; };
layout(std430, binding = 1) readonly buffer B { float b[]; };
layout(std430, binding = 2) writeonly buffer O { float o[]; };
layout(push_constant) uniform P { uint n, rank; uint dims[6]; uint sa[6]; uint sb[6]; } p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint ia = 0, ib = 0, r = i;
  for (int d = int(p.rank) - 1; d >= 0; --d) {
    uint c = r % p.dims[d];
    r /= p.dims[d];
    ia += c * p.sa[d];
    ib += c * p.sb[d];
  }
  float x = a[ia], y = b[ib];
  o[i] = OP == 0 ? x + y : OP == 1 ? x - y : OP == 2 ? x * y : x / y;
}
