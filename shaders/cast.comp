#version 450
#extension GL_GOOGLE_include_directive : require
// Dtype conversion. Variants (shaders/CMakeLists.txt) fix the source type WTYPE; the
// destination is f32, or f16/bf16 (packed two per word) with TO16=1 / TO16=2.
#include "common.glsl"
layout(std430, binding = 0) readonly buffer S { uint s[]; };
#define W_WORDS(i) s[i]
#include "bytes.glsl"
#include "dequant.glsl"
#ifdef TO16
layout(std430, binding = 1) writeonly buffer D { uint d[]; };
#else
layout(std430, binding = 1) writeonly buffer D { float d[]; };
#endif
layout(push_constant) uniform P { uint n; } p;

#ifdef TO16
uint to16(float v) {
#if TO16 == 1
  return packHalf2x16(vec2(v, 0.0)) & 0xFFFFu;
#else
  uint u = floatBitsToUint(v);  // round to nearest even; NaN stays NaN
  if ((u & 0x7F800000u) == 0x7F800000u && (u & 0x7FFFFFu) != 0u) return (u >> 16) | 0x40u;
  return (u + 0x7FFFu + ((u >> 16) & 1u)) >> 16;
#endif
}
#endif

void main() {
  uint i = flat_index();
#ifdef TO16
  // One word (two outputs) per invocation: no two invocations write the same word.
  uint e = i * 2u;
  if (e >= p.n) return;
  uint lo = to16(dequant(e));
  uint hi = e + 1u < p.n ? to16(dequant(e + 1u)) : 0u;
  d[i] = lo | (hi << 16);
#else
  if (i < p.n) d[i] = dequant(i);
#endif
}
