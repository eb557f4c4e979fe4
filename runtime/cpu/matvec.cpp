#include "runtime/cpu/matvec.hpp"

#include <algorithm>

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"

namespace vkflow::cpu {

void matvec_16(DType wt, const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t n0, int64_t n1,
               const float* bias, float* y, int64_t ldy) {
  if (wt != DType::F16 && wt != DType::BF16) throw Error("matvec_16: weight dtype must be f16 or bf16");
  if (use_avx2()) return avx2::matvec_16(wt, x, M, K, w, n0, n1, bias, y, ldy);
  Scratch<float> row(static_cast<size_t>(K));
  for (int64_t n = n0; n < n1; ++n) {
    row_to_f32(wt, w + n * K, row.data(), K);
    for (int64_t m = 0; m < M; ++m) y[m * ldy + n] = dot(x + m * K, row.data(), K) + (bias ? bias[n] : 0.0f);
  }
}

void matvec_16_parallel(DType wt, const float* x, int64_t M, int64_t K, const uint16_t* w, int64_t N,
                        const float* bias, float* y) {
  // Groups of 4 rows (the AVX2 kernel's block); each chunk streams at least ~32 KiB of weights
  // so small products stay on the calling thread.
  const int64_t groups = (N + 3) / 4;
  const int64_t grain = std::max<int64_t>(1, (32 << 10) / std::max<int64_t>(4 * K * 2, 1));
  parallel_for(groups, grain, [&](int64_t g0, int64_t g1) {
    matvec_16(wt, x, M, K, w, g0 * 4, std::min(N, g1 * 4), bias, y, N);
  });
}

}  // namespace vkflow::cpu
