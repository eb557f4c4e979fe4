#version 450
// diffusers' get_timestep_embedding. The frequencies come from the host (exact float32
// exp, as on the CPU): GPU exp() is too approximate once multiplied by t ~ 1000.
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer T { float t[]; };
layout(std430, binding = 1) readonly buffer F { float freq[]; };  // exp(e_k), computed on the host
layout(std430, binding = 2) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint N, dim, flip; float scale; } p;

// Cody-Waite reduction to [-pi, pi] first: hardware sin/cos lose accuracy on large arguments.
float reduce_2pi(float a) {
  float k = round(a * 0.15915494309189535);
  return ((a - k * 6.28125) - k * 0.0019353071693331003) - k * 1.0253131677018246e-11;
}

void main() {
  uint i = flat_index();
  uint half_ = p.dim / 2;
  if (i >= p.N * p.dim) return;
  uint n = i / p.dim, j = i % p.dim;
  if (j >= 2u * half_) { y[i] = 0.0; return; }
  bool first = j < half_;
  uint k = first ? j : j - half_;
  float a = p.scale * (t[n] * freq[k]);
  bool is_sin = (p.flip != 0u) ? !first : first;
  float r = reduce_2pi(a);
  y[i] = is_sin ? sin(r) : cos(r);
}
