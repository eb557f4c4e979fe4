#pragma once
// A fixed pool of worker threads for the CPU kernels. parallel_for splits [0, n) into chunks
// run by the workers and the calling thread. Nested calls (from inside a chunk) run serially,
// so kernels may call helpers that parallelise themselves without oversubscribing.
#include <cstdint>
#include <functional>

namespace vkflow::cpu {

// Threads used by parallel_for (VKFLOW_THREADS, else the hardware concurrency).
int num_threads();

// Calls fn(begin, end) over disjoint ranges covering [0, n); each range holds at least
// `grain` items (except possibly the last). Exceptions from fn are rethrown in the caller.
void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn);

// True while the current thread runs a parallel_for chunk.
bool in_parallel_region();

}  // namespace vkflow::cpu
