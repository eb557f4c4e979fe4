#version 450
#extension GL_GOOGLE_include_directive : require
// dst[dst_base + sum(idx*dst_stride)] = src[src_base + sum(idx*src_stride)] for every index
// of `dims` (up to 6 coalesced dims): permute, slice, concat, contiguous copies of views.
// Elements are 32-bit words (f32 or i32).
#include "common.glsl"
layout(std430, binding = 0) readonly buffer S { uint s[]; };
layout(std430, binding = 1) writeonly buffer D { uint d[]; };
layout(push_constant) uniform P { uint n, rank, src_base, dst_base; uint dims[6]; uint ss[6]; uint ds[6]; } p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint is = p.src_base, id = p.dst_base, r = i;
  for (int k = int(p.rank) - 1; k >= 0; --k) {
    uint c = r % p.dims[k];
    r /= p.dims[k];
    is += c * p.ss[k];
    id += c * p.ds[k];
  }
  d[id] = s[is];
}
