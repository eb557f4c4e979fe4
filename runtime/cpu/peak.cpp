#include "runtime/cpu/peak.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <vector>

#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"

namespace vkflow::cpu {
namespace {

double now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Portable fallback: eight scalar chains (the compiler may not fuse them).
double scalar_loop(long iters) {
  float a[8];
  for (int i = 0; i < 8; ++i) a[i] = 0.001f * i;
  for (long k = 0; k < iters; ++k)
    for (int i = 0; i < 8; ++i) a[i] = a[i] * 0.999999f + 1e-7f;
  return a[0] + a[7];
}

}  // namespace

static double fma_gflops_once(double seconds) {
  bool simd = use_avx2();
  const long iters = 2'000'000;
  const double flops_per_call = simd ? 2.0 * 8 * 10 * iters : 2.0 * 8 * iters;
  std::atomic<long> calls{0};
  std::atomic<double> sink{0};
  int threads = num_threads();
  double t0 = now(), t1 = t0;
  while (t1 - t0 < seconds) {
    parallel_for(threads, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) {
        double v = simd ? avx2::fma_loop(iters) : scalar_loop(iters);
        sink.store(sink.load() + v);
        calls.fetch_add(1);
      }
    });
    t1 = now();
  }
  return calls.load() * flops_per_call / (t1 - t0) / 1e9;
}

static double copy_gbps_once(double seconds) {
  const size_t n = size_t(64) << 20;  // 64 MiB each way: far beyond the caches
  std::vector<char> src(n, 1), dst(n, 0);
  int threads = num_threads();
  size_t per = n / threads;
  long reps = 0;
  double t0 = now(), t1 = t0;
  while (t1 - t0 < seconds) {
    parallel_for(threads, 1, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) std::memcpy(dst.data() + i * per, src.data() + i * per, per);
    });
    ++reps;
    t1 = now();
  }
  return 2.0 * double(per * threads) * reps / (t1 - t0) / 1e9;
}

// Best of several short trials: on a shared machine the best trial is closest to the
// hardware's capability.
double measure_fma_gflops(double seconds) {
  double best = 0;
  for (int i = 0; i < 5; ++i) best = std::max(best, fma_gflops_once(seconds / 5));
  return best;
}

double measure_copy_gbps(double seconds) {
  double best = 0;
  for (int i = 0; i < 5; ++i) best = std::max(best, copy_gbps_once(seconds / 5));
  return best;
}

}  // namespace vkflow::cpu
