#version 450
#extension GL_GOOGLE_include_directive : require
// Elementwise activations; the op is specialization constant 1 (one pipeline per op).
#include "common.glsl"
layout(constant_id = 1) const uint OP = 0;
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint n; float alpha; float beta; } p;

float f(float v) {
  switch (OP) {
    case 0: return 0.5 * v * (1.0 + erf_approx(v * 0.70710678118654752));            // gelu (erf)
    case 1: return 0.5 * v * (1.0 + safe_tanh(0.7978845608028654 * (v + 0.044715 * v * v * v)));
    case 2: return v * sigmoid(1.702 * v);                                            // quick_gelu
    case 3: return v * sigmoid(v);                                                    // silu
    case 4: return max(v, 0.0);                                                       // relu
    case 5: return v >= 0.0 ? v : v * p.alpha;                                        // leaky_relu
    case 6: return safe_tanh(v);
    case 7: return sigmoid(v);
    case 8: return exp(v);
    case 9: return v * p.alpha + p.beta;                                              // scale
    default: return min(max(v, p.alpha), p.beta);                                     // clamp
  }
}

void main() {
  uint i = flat_index();
  if (i < p.n) y[i] = f(x[i]);
}
