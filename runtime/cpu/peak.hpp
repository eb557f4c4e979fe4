#pragma once
// Measured peaks of this CPU, for benchmarks to report each op as a share of what the
// machine can do: FMA throughput on every pool thread, and copy bandwidth.
namespace vkflow::cpu {

// GFLOP/s of independent fused multiply-adds (AVX2 when available, else scalar) on all
// threads, over about `seconds`.
double measure_fma_gflops(double seconds = 0.5);
// GB/s of large memcpy (bytes read + bytes written) on all threads.
double measure_copy_gbps(double seconds = 0.5);

namespace avx2 {
double fma_loop(long iters);  // 2 * 8 * 10 * iters flops; returns a value to keep it alive
}

}  // namespace vkflow::cpu
