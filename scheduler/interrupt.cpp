#include "scheduler/interrupt.hpp"

#include <atomic>

namespace vkflow::scheduler {
namespace {

std::atomic<CancelToken*> g_token{nullptr};
volatile std::sig_atomic_t g_signal = 0;

extern "C" void on_interrupt(int sig) {
  g_signal = sig;
  if (CancelToken* t = g_token.load()) t->cancel();  // lock-free atomic store: signal-safe
  std::signal(sig, SIG_DFL);                            // a second press terminates
}

}  // namespace

InterruptScope::InterruptScope(CancelToken& token) {
  g_signal = 0;
  g_token.store(&token);
  struct sigaction sa{};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, &old_int_);
  sigaction(SIGTERM, &sa, &old_term_);
}

InterruptScope::~InterruptScope() {
  sigaction(SIGINT, &old_int_, nullptr);
  sigaction(SIGTERM, &old_term_, nullptr);
  g_token.store(nullptr);
}

int InterruptScope::signal_received() { return g_signal; }

}  // namespace vkflow::scheduler
