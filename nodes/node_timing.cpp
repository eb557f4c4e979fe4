#include "nodes/node_timing.hpp"

#include <algorithm>

namespace vkflow::nodes {
namespace {
thread_local TimingRecorder* g_current = nullptr;
double seconds_between(TimingRecorder::Clock::time_point a, TimingRecorder::Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}
}  // namespace

nlohmann::json NodeTiming::to_json() const {
  nlohmann::json j = {{"seconds", seconds}, {"load_seconds", load_seconds}};
  nlohmann::json p = nlohmann::json::object();
  for (const auto& [name, s] : phases) p[name] = s;
  j["phases"] = p;
  j["step_seconds"] = step_seconds;
  return j;
}

TimingRecorder::TimingRecorder() : start_(Clock::now()), last_mark_(start_) {}

TimingRecorder* TimingRecorder::current() { return g_current; }

void TimingRecorder::mark_step() {
  std::lock_guard lock(mu_);
  const auto now = Clock::now();
  t_.step_seconds.push_back(seconds_between(last_mark_, now));
  last_mark_ = now;
}

NodeTiming TimingRecorder::finish() {
  std::lock_guard lock(mu_);
  t_.seconds = seconds_between(start_, Clock::now());
  return t_;
}

void TimingRecorder::enter() {
  std::lock_guard lock(mu_);
  stack_.push_back({Clock::now()});
}

void TimingRecorder::leave(const std::string& phase, bool is_load) {
  std::lock_guard lock(mu_);
  if (stack_.empty()) return;
  const auto now = Clock::now();
  const Frame f = stack_.back();
  stack_.pop_back();
  const double total = seconds_between(f.start, now);
  const double own = std::max(0.0, total - f.children);
  if (!stack_.empty()) stack_.back().children += total;
  else last_mark_ = now;  // a step begins after the load or phase before it
  if (is_load) {
    t_.load_seconds += own;
    return;
  }
  for (auto& [name, s] : t_.phases)
    if (name == phase) {
      s += own;
      return;
    }
  t_.phases.emplace_back(phase, own);
}

void TimingRecorder::drop() {
  std::lock_guard lock(mu_);
  if (!stack_.empty()) stack_.pop_back();
}

RecorderScope::RecorderScope(TimingRecorder* r) : prev_(g_current) { g_current = r; }
RecorderScope::~RecorderScope() { g_current = prev_; }

PhaseTimer::PhaseTimer(std::string phase, Device* sync, bool is_load)
    : rec_(TimingRecorder::current()), phase_(std::move(phase)), sync_(sync), is_load_(is_load) {
  if (rec_) rec_->enter();
}

PhaseTimer::~PhaseTimer() {
  // Unwinding: drop the frame so an outer phase still closes, without counting this one.
  if (rec_ && open_) rec_->drop();
}

void PhaseTimer::done() {
  if (!rec_ || !open_) return;
  if (sync_) sync_->synchronize();  // GPU uploads still queued belong to the load
  rec_->leave(phase_, is_load_);
  open_ = false;
}

}  // namespace vkflow::nodes
