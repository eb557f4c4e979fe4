#version 450
// softmax(x * scale + mask) over the last dim, one workgroup per row; a row that is all
// -inf gives zeros. The mask is read through broadcast strides over up to 6 dims.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "reduce.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) readonly buffer M { float mask[]; };
layout(std430, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint rows, D; float scale; uint has_mask, rank; uint dims[6]; uint ms[6]; } p;

float val(uint row, uint j) {
  float v = x[row * p.D + j] * p.scale;
  if (p.has_mask != 0u) {
    uint r = row * p.D + j, mi = 0;
    for (int d = int(p.rank) - 1; d >= 0; --d) {
      mi += (r % p.dims[d]) * p.ms[d];
      r /= p.dims[d];
    }
    v += mask[mi];
  }
  return v;
}

void main() {
  uint row = gl_WorkGroupID.x + gl_WorkGroupID.y * gl_NumWorkGroups.x;
  if (row >= p.rows) return;  // uniform per workgroup
  uint t = gl_LocalInvocationID.x, n = gl_WorkGroupSize.x;
  float mx = -1.0 / 0.0;
  for (uint j = t; j < p.D; j += n) mx = max(mx, val(row, j));
  mx = wg_max(mx);
  float s = 0.0;
  if (!isinf(mx) || mx > 0.0)
    for (uint j = t; j < p.D; j += n) s += exp(val(row, j) - mx);
  s = wg_sum(s);
  float inv = s > 0.0 ? 1.0 / s : 0.0;
  for (uint j = t; j < p.D; j += n) y[row * p.D + j] = s > 0.0 ? exp(val(row, j) - mx) * inv : 0.0;
}
