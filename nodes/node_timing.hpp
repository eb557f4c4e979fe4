#pragma once
// Where a node's time goes, for benchmarks: weight loads, named phases (a FLUX text encoder's
// CLIP-L and T5 passes) and the intervals between its progress reports (sampler steps). The
// executor installs a recorder on the thread that runs a node; code deep inside model handles
// (PerDevice, ModelPool, encoders) reports to it without knowing the node. Without a recorder
// every timer is a no-op, so library users and tests pay nothing.
//
// Times are exclusive: a load inside a phase counts as load, not as that phase. A load ends
// with Device::synchronize(), so uploads still queued on a GPU are not billed to the next phase.
#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/core/device.hpp"

namespace vkflow::nodes {

struct NodeTiming {
  double seconds = 0;                                   // the whole node
  double load_seconds = 0;                              // model weights loaded
  std::vector<std::pair<std::string, double>> phases;   // first-use order, summed per name
  std::vector<double> step_seconds;                     // between progress reports
  nlohmann::json to_json() const;
};

class TimingRecorder {
 public:
  using Clock = std::chrono::steady_clock;
  TimingRecorder();
  // The recorder of the node running on this thread, or null.
  static TimingRecorder* current();
  // A progress report: the time since the previous report (or since the last phase or load
  // ended, or the node started) is one step.
  void mark_step();
  NodeTiming finish();  // stamps the whole node's seconds

  // For the timers below.
  void enter();
  void leave(const std::string& phase, bool is_load);
  void drop();  // an unwound timer: pop its frame, record nothing

 private:
  std::mutex mu_;
  Clock::time_point start_, last_mark_;
  struct Frame { Clock::time_point start; double children = 0; };
  std::vector<Frame> stack_;
  NodeTiming t_;
};

// Makes `r` the current recorder of this thread while alive.
class RecorderScope {
 public:
  explicit RecorderScope(TimingRecorder* r);
  ~RecorderScope();
  RecorderScope(const RecorderScope&) = delete;
  RecorderScope& operator=(const RecorderScope&) = delete;

 private:
  TimingRecorder* prev_;
};

// Times a named phase (or a load) of the current node; done() records it. A timer that is
// destroyed without done() (an exception passed) records nothing.
class PhaseTimer {
 public:
  explicit PhaseTimer(std::string phase, Device* sync = nullptr, bool is_load = false);
  ~PhaseTimer();
  PhaseTimer(const PhaseTimer&) = delete;
  PhaseTimer& operator=(const PhaseTimer&) = delete;
  void done();

 private:
  TimingRecorder* rec_;
  std::string phase_;
  Device* sync_;
  bool is_load_, open_ = true;
};

// A model load on `dev` (the GPU copies finished before it ends).
inline PhaseTimer load_timer(Device& dev) { return PhaseTimer("load", &dev, true); }

}  // namespace vkflow::nodes
