#include "runtime/sampling/torch_rng.hpp"

// Bit-exact reproduction needs every multiply and add rounded separately (no contraction
// into FMA, even under -march=native); GCC in ISO C++ mode already does this.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include <cmath>
#include <numbers>

#include "runtime/sampling/cephes_f32.hpp"

namespace vkflow::sampling {

void TorchGenerator::manual_seed(uint64_t seed) {
  seed_ = seed;
  engine_.seed(static_cast<uint32_t>(seed));
  next_normal_.reset();
}

uint64_t TorchGenerator::random64() {
  const uint64_t hi = random();
  const uint64_t lo = random();
  return (hi << 32) | lo;
}

// at::uniform_real_distribution<float>(0, 1): the low 24 bits of one draw, scaled by 2^-24.
float TorchGenerator::uniform_f32() {
  return static_cast<float>(random() & 0xFFFFFFu) * (1.0f / 16777216.0f);
}

// at::uniform_real_distribution<double>(0, 1): the low 53 bits of a 64-bit draw.
double TorchGenerator::uniform_f64() {
  return static_cast<double>(random64() & ((uint64_t{1} << 53) - 1)) * (1.0 / 9007199254740992.0);
}

// Box-Muller in double producing two samples; the sine one is cached for the next call.
double TorchGenerator::normal_f64() {
  if (next_normal_) {
    const double v = *next_normal_;
    next_normal_.reset();
    return v;
  }
  const double u1 = uniform_f64();
  const double u2 = uniform_f64();
  const double r = std::sqrt(-2.0 * std::log1p(-u2));
  const double theta = 2.0 * std::numbers::pi * u1;
  next_normal_ = r * std::sin(theta);
  return r * std::cos(theta);
}

namespace {
// torch's normal_fill_16: uniforms u[0..8) and u[8..16) become 16 normals in place.
void box_muller_16(float* d) {
  const float two_pi = static_cast<float>(2.0 * std::numbers::pi);
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - d[j];  // [0,1) -> (0,1] for the log
    const float u2 = d[j + 8];
    const float radius = std::sqrt(-2.0f * cephes::log_f32(u1));
    float s, c;
    cephes::sincos_f32(two_pi * u2, &s, &c);
    d[j] = radius * c;
    d[j + 8] = radius * s;
  }
}
}  // namespace

void TorchGenerator::randn(std::span<float> out) {
  const size_t n = out.size();
  if (n < 16) {
    // Small tensors take the element-wise path through the double distribution.
    for (float& v : out) v = static_cast<float>(normal_f64());
    return;
  }
  for (float& v : out) v = uniform_f32();
  for (size_t i = 0; i + 16 <= n; i += 16) box_muller_16(out.data() + i);
  if (n % 16 != 0) {
    // torch redraws the last 16 values (overlapping already transformed ones).
    float* tail = out.data() + n - 16;
    for (int i = 0; i < 16; ++i) tail[i] = uniform_f32();
    box_muller_16(tail);
  }
}

std::vector<float> TorchGenerator::randn(size_t n) {
  std::vector<float> v(n);
  randn(std::span<float>(v));
  return v;
}

void TorchGenerator::rand(std::span<float> out) {
  for (float& v : out) v = uniform_f32();
}

std::vector<float> TorchGenerator::rand(size_t n) {
  std::vector<float> v(n);
  rand(std::span<float>(v));
  return v;
}

}  // namespace vkflow::sampling
