#pragma once
// Run events: the executor reports what happens as JSON objects to observers (the JSON-lines
// writer behind `--events`, the progress display, tests). Every event has "event" and "t"
// (seconds since the run started); node events add "node" and "type":
//   run_started {nodes}            started {index}           progress {step, total}
//   finished {seconds}             cached {}                 skipped {reason}
//   failed {error, seconds}        output {path}             freed {by}
//   run_finished {seconds, ran, cached, skipped, devices: [DeviceMemory], replans}
//   cancelled {node}               unloaded {model, device, by}
//   out_of_memory {device, requested, in_use}    replanned {message, device_name, options}
// "started" carries {device: "cpu"|"vulkan", device_name: "vulkan0", attempt (after a re-plan)};
// "finished" carries {memory: NodeMemory} (scheduler/run_memory.hpp).
#include <functional>
#include <memory>
#include <ostream>
#include <vector>

#include <nlohmann/json.hpp>

namespace vkflow::scheduler {

using EventObserver = std::function<void(const nlohmann::json&)>;

// One JSON object per line, flushed per event (consumers tail the stream); thread-safe.
EventObserver json_lines_writer(std::shared_ptr<std::ostream> out);

// Fans one event out to several observers.
class EventBus {
 public:
  void add(EventObserver o) { observers_.push_back(std::move(o)); }
  void emit(const nlohmann::json& e) const {
    for (const auto& o : observers_) o(e);
  }

 private:
  std::vector<EventObserver> observers_;
};

}  // namespace vkflow::scheduler
