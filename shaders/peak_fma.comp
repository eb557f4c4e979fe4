#version 450
// Peak arithmetic probe for bench/: 8 independent chains of dependent vec4 FMAs per
// invocation (enough parallelism to hide FMA latency), ITERS iterations, 64 FLOPs each.
// F16=1 variant: the same with f16vec4 (fast-path devices).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#ifdef F16
#extension GL_EXT_shader_explicit_arithmetic_types_float16 : require
#define VEC f16vec4
#else
#define VEC vec4
#endif
layout(constant_id = 1) const uint ITERS = 1024;
layout(std430, binding = 0) writeonly buffer O { vec4 o[]; };
layout(push_constant) uniform P { float m, c; } p;

void main() {
  uint i = flat_index();
  VEC m = VEC(p.m), c = VEC(p.c);
  VEC x0 = VEC(float(i & 7u) * 1e-3), x1 = x0 + VEC(1e-3), x2 = x0 + VEC(2e-3), x3 = x0 + VEC(3e-3);
  VEC x4 = x0 + VEC(4e-3), x5 = x0 + VEC(5e-3), x6 = x0 + VEC(6e-3), x7 = x0 + VEC(7e-3);
  for (uint k = 0; k < ITERS; ++k) {
    x0 = fma(x0, m, c); x1 = fma(x1, m, c); x2 = fma(x2, m, c); x3 = fma(x3, m, c);
    x4 = fma(x4, m, c); x5 = fma(x5, m, c); x6 = fma(x6, m, c); x7 = fma(x7, m, c);
  }
  VEC s = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
  o[i] = vec4(s);  // keeps every chain live
}
