#include "runtime/cpu/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VKFLOW_CPU_RELAX() _mm_pause()
#else
#define VKFLOW_CPU_RELAX() std::this_thread::yield()
#endif

namespace vkflow::cpu {
namespace {

thread_local bool t_in_region = false;

using SteadyClock = std::chrono::steady_clock;

// How long a worker keeps polling for the next job before it sleeps. A decoder step runs
// ~70 parallel jobs a few microseconds apart: polling catches each one without a futex
// wake-up, and a short bound keeps idle workers off a shared machine's cores. With more
// threads than cores (VKFLOW_THREADS) pollers would take the cores from the threads with
// work, so workers then sleep at once.
constexpr auto kSpin = std::chrono::microseconds(200);

// Jobs are claimed lock-free: `state_` holds (job id << 32 | next chunk index), so a worker
// that arrives late can only claim a chunk of the job it read (a compare-and-swap on the
// whole word fails once the next job is published). Workers spin briefly between jobs, then
// sleep on `wake_` (a futex through std::atomic::wait).
class Pool {
 public:
  explicit Pool(int n) {
    const unsigned cores = std::thread::hardware_concurrency();
    spin_ = cores == 0 || static_cast<unsigned>(n) <= cores ? kSpin : SteadyClock::duration::zero();
    for (int i = 0; i + 1 < n; ++i) workers_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    stop_.store(true);
    wake_.fetch_add(1);
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int size() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs `chunks` chunk indices through fn, the caller taking part; one job at a time.
  void run(int64_t chunks, const std::function<void(int64_t)>& fn) {
    std::lock_guard<std::mutex> job_lock(job_m_);
    const uint64_t job = (state_.load() >> 32) + 1;
    fn_.store(&fn, std::memory_order_relaxed);
    chunks_.store(chunks, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    state_.store(job << 32);  // publishes the job (seq_cst: ordered before the sleeper check)
    if (sleepers_.load() > 0) {
      wake_.fetch_add(1);
      wake_.notify_all();
    }
    work(job);
    // Chunks claimed by workers may still run; wait for them (they are short).
    auto t0 = SteadyClock::now();
    for (int i = 0; done_.load(std::memory_order_acquire) < chunks; ++i) {
      if ((i & 63) == 63 && SteadyClock::now() - t0 > spin_) std::this_thread::yield();
      else VKFLOW_CPU_RELAX();
    }
    if (error_) std::rethrow_exception(error_);
  }

 private:
  // Claims and runs chunks of `job` until none is left or another job replaced it.
  void work(uint64_t job) {
    t_in_region = true;
    for (;;) {
      uint64_t s = state_.load(std::memory_order_acquire);
      if ((s >> 32) != job) break;
      const int64_t i = static_cast<int64_t>(s & 0xffffffffu);
      const auto* fn = fn_.load(std::memory_order_relaxed);
      if (i >= chunks_.load(std::memory_order_relaxed)) break;
      if (!state_.compare_exchange_weak(s, s + 1, std::memory_order_acq_rel)) continue;
      try {
        (*fn)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lk(err_m_);
        if (!error_) error_ = std::current_exception();
      }
      done_.fetch_add(1, std::memory_order_release);
    }
    t_in_region = false;
  }

  void loop() {
    uint64_t seen = 0;
    while (!stop_.load(std::memory_order_relaxed)) {
      uint64_t job = state_.load(std::memory_order_acquire) >> 32;
      if (job != seen) {
        seen = job;
        work(job);
        continue;
      }
      // Poll for a while, then sleep until run() publishes a job.
      bool got = false;
      const auto t0 = SteadyClock::now();
      for (int i = 0; !got && spin_.count() > 0; ++i) {
        VKFLOW_CPU_RELAX();
        got = (state_.load(std::memory_order_acquire) >> 32) != seen;
        if ((i & 63) == 63 && SteadyClock::now() - t0 > spin_) break;
      }
      if (got) continue;
      sleepers_.fetch_add(1);
      const uint32_t w = wake_.load();
      if ((state_.load() >> 32) == seen && !stop_.load()) wake_.wait(w);
      sleepers_.fetch_sub(1);
    }
  }

  std::vector<std::thread> workers_;
  SteadyClock::duration spin_{};  // polling time between jobs (zero: sleep at once)
  std::mutex job_m_, err_m_;
  std::atomic<uint64_t> state_{0};
  std::atomic<const std::function<void(int64_t)>*> fn_{nullptr};
  std::atomic<int64_t> chunks_{0}, done_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<uint32_t> wake_{0};
  std::atomic<bool> stop_{false};
  std::exception_ptr error_;
};

int detect_threads() {
  if (const char* e = std::getenv("VKFLOW_THREADS")) {
    int n = std::atoi(e);
    if (n > 0) return std::min(n, 256);
  }
  return std::max(1u, std::thread::hardware_concurrency());
}

Pool& pool() {
  static Pool p(detect_threads());
  return p;
}

}  // namespace

int num_threads() { return pool().size(); }

bool in_parallel_region() { return t_in_region; }

void parallel_for(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  int threads = num_threads();
  if (t_in_region || threads == 1 || n <= grain) {
    fn(0, n);
    return;
  }
  // A few chunks per thread balance uneven work without much scheduling overhead.
  int64_t chunks = std::min<int64_t>((n + grain - 1) / grain, int64_t(threads) * 4);
  int64_t step = (n + chunks - 1) / chunks;
  chunks = (n + step - 1) / step;
  pool().run(chunks, [&](int64_t c) { fn(c * step, std::min(n, (c + 1) * step)); });
}

}  // namespace vkflow::cpu
