// The FMA-throughput loop with AVX2: ten independent accumulators hide the FMA latency.
#include <immintrin.h>

#include "runtime/cpu/peak.hpp"

namespace vkflow::cpu::avx2 {

double fma_loop(long iters) {
  __m256 a[10];
  for (int i = 0; i < 10; ++i) a[i] = _mm256_set1_ps(0.001f * i);
  const __m256 m = _mm256_set1_ps(0.999999f), c = _mm256_set1_ps(1e-7f);
  for (long k = 0; k < iters; ++k)
    for (int i = 0; i < 10; ++i) a[i] = _mm256_fmadd_ps(a[i], m, c);
  __m256 s = a[0];
  for (int i = 1; i < 10; ++i) s = _mm256_add_ps(s, a[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}

}  // namespace vkflow::cpu::avx2
