#pragma once
// Ctrl-C handling: while an InterruptScope lives, the first SIGINT (or SIGTERM) sets its
// CancelToken so the run stops at the next safe point and writes nothing partial; a second
// one falls back to the default action (immediate exit) for a user who really wants out.
#include <csignal>

#include "scheduler/cancel.hpp"

namespace vkflow::scheduler {

class InterruptScope {
 public:
  explicit InterruptScope(CancelToken& token);
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  // The signal that cancelled the run (0 when none).
  static int signal_received();

 private:
  struct sigaction old_int_{}, old_term_{};
};

}  // namespace vkflow::scheduler
