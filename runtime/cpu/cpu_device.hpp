#pragma once
// The CPU backend (thread pool, SIMD kernels chosen at run time, OpenBLAS GEMM).
#include <cstdint>
#include <memory>

#include "runtime/core/device.hpp"

namespace vkflow::cpu {
// The process-wide CPU device.
Device& device();

// Caps the bytes the CPU device may hold at once (allocations beyond it throw OutOfMemory).
// 0 restores the default: VKFLOW_CPU_BUDGET_MB if set, else 90% of physical RAM.
void set_budget(uint64_t bytes);

// Kernel workspace allocated through the CPU device, so it counts in memory() (current and
// peak) like any tensor: the planner's estimates include kernels' temporary memory.
template <class T>
class Scratch {
 public:
  explicit Scratch(size_t count)
      : buf_(device().allocate(count * sizeof(T) == 0 ? sizeof(T) : count * sizeof(T))) {}
  T* data() const { return static_cast<T*>(buf_->host_ptr()); }
  T& operator[](size_t i) const { return data()[i]; }

 private:
  std::shared_ptr<Buffer> buf_;
};

}  // namespace vkflow::cpu
