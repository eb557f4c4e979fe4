#pragma once
// Cooperative cancellation (Ctrl-C): long loops poll it and stop at a safe point.
#include <atomic>

#include "runtime/core/error.hpp"

namespace vkflow::scheduler {

struct Cancelled : Error {
  Cancelled() : Error("cancelled") {}
};

class CancelToken {
 public:
  void cancel() { flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const { return flag_.load(std::memory_order_relaxed); }
  void throw_if_cancelled() const {
    if (cancelled()) throw Cancelled();
  }

 private:
  std::atomic<bool> flag_{false};
};

}  // namespace vkflow::scheduler
