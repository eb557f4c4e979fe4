#version 450
// Embedding lookup: out[r][j] = dequant(table[ids[r]][j]); ids i32 (or i64: low word,
// IDS64) and the table in any WTYPE.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer T_ { uint w[]; };
layout(std430, binding = 1) readonly buffer I_ { int ids[]; };
layout(std430, binding = 2) writeonly buffer O_ { float o[]; };
layout(push_constant) uniform P { uint n, D, V, ids64; } p;
#define W_WORDS(i) w[i]
#include "bytes.glsl"
#include "dequant.glsl"

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint r = i / p.D, j = i % p.D;
  int id = ids[p.ids64 != 0u ? 2u * r : r];
  o[i] = (id < 0 || uint(id) >= p.V) ? 0.0 : dequant(uint(id) * p.D + j);
}
