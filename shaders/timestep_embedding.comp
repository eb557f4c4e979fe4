#version 450
// diffusers' get_timestep_embedding, in the same float32 order of operations as the CPU.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer T { float t[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint N, dim, flip; float shift, scale, log_max_period; } p;

void main() {
  uint i = flat_index();
  uint half_ = p.dim / 2;
  if (i >= p.N * p.dim) return;
  uint n = i / p.dim, j = i % p.dim;
  if (j >= 2u * half_) { y[i] = 0.0; return; }
  bool first = j < half_;
  uint k = first ? j : j - half_;
  float e = -p.log_max_period * float(k) / (float(half_) - p.shift);
  float a = p.scale * (t[n] * exp(e));
  bool is_sin = (p.flip != 0u) ? !first : first;
  y[i] = is_sin ? sin(a) : cos(a);
}
