#include "runtime/sampling/cephes_f32.hpp"

// Bit-exact reproduction needs every multiply and add rounded separately (no contraction
// into FMA, even under -march=native); GCC in ISO C++ mode already does this.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <algorithm>
#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>

// Every std::fma below stands where the compiled torch wheel fuses a multiply into the add
// that consumes it; every plain `a * b` / `a + b` is a separately rounded instruction there.
// The order of operations is the routines' own (Cephes polynomials, Horner form).
namespace vkflow::sampling::cephes {

float log_f32(float x) {
  x = std::max(x, FLT_MIN);  // denormals are cut off, as the vector code does
  uint32_t bits = std::bit_cast<uint32_t>(x);
  float e = static_cast<float>(static_cast<int32_t>(bits >> 23) - 0x7f);
  e = e + 1.0f;
  // Mantissa in [0.5, 1).
  x = std::bit_cast<float>((bits & ~0x7f800000u) | std::bit_cast<uint32_t>(0.5f));
  const bool small = x < 0.707106781186547524f;
  const float tmp = small ? x : 0.0f;
  x = x - 1.0f;
  e = e - (small ? 1.0f : 0.0f);
  x = x + tmp;

  const float z = x * x;
  float y = 7.0376836292E-2f;
  y = std::fma(y, x, -1.1514610310E-1f);
  y = std::fma(y, x, 1.1676998740E-1f);
  y = std::fma(y, x, -1.2420140846E-1f);
  y = std::fma(y, x, 1.4249322787E-1f);
  y = std::fma(y, x, -1.6668057665E-1f);
  y = std::fma(y, x, 2.0000714765E-1f);
  y = std::fma(y, x, -2.4999993993E-1f);
  y = std::fma(y, x, 3.3333331174E-1f);
  y = y * x;
  y = std::fma(y, z, e * -2.12194440e-4f);
  y = std::fma(z, -0.5f, y);
  x = x + y;
  return std::fma(e, 0.693359375f, x);
}

void sincos_f32(float xin, float* s, float* c) {
  uint32_t sign_sin = std::bit_cast<uint32_t>(xin) & 0x80000000u;
  float x = std::fabs(xin);
  // Octant j (rounded up to even) of x * 4/pi, truncated toward zero first.
  int32_t j = static_cast<int32_t>(x * 1.27323954473516f);
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  sign_sin ^= static_cast<uint32_t>(j & 4) << 29;
  const uint32_t sign_cos = static_cast<uint32_t>(~(j - 2) & 4) << 29;
  const bool sine_poly_for_sin = (j & 2) == 0;

  // Extended-precision reduction x - j*pi/4 in three parts.
  x = std::fma(y, -0.78515625f, x);
  x = std::fma(y, -2.4187564849853515625e-4f, x);
  x = std::fma(y, -3.77489497744594108e-8f, x);

  const float z = x * x;
  float yc = std::fma(2.443315711809948E-005f, z, -1.388731625493765E-003f);
  yc = std::fma(yc, z, 4.166664568298827E-002f);
  yc = yc * z;
  const float half_z = z * 0.5f;
  yc = std::fma(yc, z, -half_z);
  yc = yc + 1.0f;

  float ys = std::fma(-1.9515295891E-4f, z, 8.3321608736E-3f);
  ys = std::fma(ys, z, -1.6666654611E-1f);
  ys = ys * z;
  ys = std::fma(ys, x, x);

  const float sv = sine_poly_for_sin ? ys : yc;
  const float cv = sine_poly_for_sin ? yc : ys;
  *s = std::bit_cast<float>(std::bit_cast<uint32_t>(sv) ^ sign_sin);
  *c = std::bit_cast<float>(std::bit_cast<uint32_t>(cv) ^ sign_cos);
}

}  // namespace vkflow::sampling::cephes
