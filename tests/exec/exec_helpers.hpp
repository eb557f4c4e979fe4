#pragma once
// Building small workflows in memory and running them through the real executor.
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/workflow.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "scheduler/executor.hpp"

namespace vkflow::test {

inline graph::InputValue from(std::string node, std::string output) { return graph::Link{std::move(node), std::move(output)}; }
inline graph::InputValue lit(nlohmann::json j) { return j; }

inline void add_node(graph::Workflow& wf, std::string id, std::string type,
                     std::map<std::string, graph::InputValue> inputs) {
  graph::NodeDoc n;
  n.id = id;
  n.type = std::move(type);
  n.inputs = std::move(inputs);
  wf.nodes[id] = std::move(n);
}

inline scheduler::Plan plan_in_order(const std::vector<std::string>& ids) {
  scheduler::Plan p;
  for (const auto& id : ids) {
    scheduler::Placement s;
    s.node = id;
    p.steps.push_back(s);
  }
  return p;
}

// Collects every event of a run.
struct Recorder {
  std::vector<nlohmann::json> events;
  scheduler::EventObserver observer() {
    return [this](const nlohmann::json& e) { events.push_back(e); };
  }
  // Node ids of events of kind `ev`, in order.
  std::vector<std::string> nodes(const std::string& ev) const {
    std::vector<std::string> r;
    for (const auto& e : events)
      if (e.value("event", "") == ev) r.push_back(e.value("node", ""));
    return r;
  }
};

inline scheduler::ExecOptions exec_options(const std::filesystem::path& out, const graph::Workflow* wf) {
  scheduler::ExecOptions o;
  o.env.out_dir = out;
  o.env.workflow = wf;
  o.device_for = [](const scheduler::Placement&) -> Device& { return cpu::device(); };
  return o;
}

// Every regular file under `dir` (recursively), relative names.
inline std::vector<std::string> files_under(const std::filesystem::path& dir) {
  std::vector<std::string> r;
  if (!std::filesystem::exists(dir)) return r;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
    if (e.is_regular_file()) r.push_back(std::filesystem::relative(e.path(), dir).string());
  std::sort(r.begin(), r.end());
  return r;
}

}  // namespace vkflow::test
