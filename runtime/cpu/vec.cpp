#include "runtime/cpu/vec.hpp"

#include <cstdlib>
#include <cstring>

#include "runtime/core/convert.hpp"

namespace vkflow::cpu {

bool use_avx2() {
  static const bool ok = [] {
    const char* off = std::getenv("VKFLOW_NO_AVX2");
    if (off && *off && *off != '0') return false;
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  }();
  return ok;
}

float dot(const float* a, const float* b, int64_t n) {
  if (use_avx2()) return avx2::dot(a, b, n);
  // Eight partial sums: the compiler may vectorise them without reassociating one chain.
  float s[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int j = 0; j < 8; ++j) s[j] += a[i + j] * b[i + j];
  float r = ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
  for (; i < n; ++i) r += a[i] * b[i];
  return r;
}

void axpy(float* y, float a, const float* x, int64_t n) {
  if (use_avx2()) return avx2::axpy(y, a, x, n);
  for (int64_t i = 0; i < n; ++i) y[i] += a * x[i];
}

void scal(float* y, float a, int64_t n) {
  if (use_avx2()) return avx2::scal(y, a, n);
  for (int64_t i = 0; i < n; ++i) y[i] *= a;
}

void row_to_f32(DType t, const void* src, float* dst, int64_t n) {
  if (t == DType::F32) {
    std::memcpy(dst, src, n * sizeof(float));
  } else if (t == DType::F16 && use_avx2()) {
    avx2::f16_to_f32(static_cast<const uint16_t*>(src), dst, n);
  } else if (t == DType::BF16 && use_avx2()) {
    avx2::bf16_to_f32(static_cast<const uint16_t*>(src), dst, n);
  } else {
    convert_to_f32(t, src, dst, n);
  }
}

}  // namespace vkflow::cpu
