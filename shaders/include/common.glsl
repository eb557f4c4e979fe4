// Shared by every vkflow compute shader: workgroup size from specialization constant 0 and a
// flat invocation index over a 2-D grid (dispatches above 65535 groups spill into y).
#extension GL_EXT_control_flow_attributes : enable
layout(local_size_x_id = 0) in;

uint flat_index() {
  return gl_GlobalInvocationID.x + gl_GlobalInvocationID.y * gl_NumWorkGroups.x * gl_WorkGroupSize.x;
}

// Numerically safe tanh (GLSL's may overflow exp() to inf/inf = NaN on some drivers).
float safe_tanh(float x) {
  float c = clamp(x, -15.0, 15.0);
  float e = exp(2.0 * c);
  return (e - 1.0) / (e + 1.0);
}

float sigmoid(float x) { return 1.0 / (1.0 + exp(-x)); }

// erf with |error| < 1.5e-7 (Abramowitz & Stegun 7.1.26): GLSL has no erf().
float erf_approx(float x) {
  float s = sign(x), a = abs(x);
  float t = 1.0 / (1.0 + 0.3275911 * a);
  float y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-a * a);
  return s * y;
}
