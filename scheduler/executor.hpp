#pragma once
// Runs a validated workflow by following a Plan: nodes in the plan's order on the plan's
// device with its options; inputs resolved from literals (converted per the schema's type,
// defaults filled in) and upstream outputs; each value freed after its last consumer;
// cached outputs reused (scheduler/cache.hpp states the policy); events for every step;
// cancellation between nodes and inside nodes that poll RunContext::cancelled.
// Model weights live in a ModelPool: a node loads through it on first use, and after each
// step the executor frees what the plan unloads there and whatever no later step names.
// Memory is measured per node and per device (scheduler/run_memory.hpp). When an allocation
// fails (OutOfMemory) and the planner input and machine are given, the executor frees every
// model, re-plans the rest (scheduler/replan.hpp: tiles, smaller chunks, the CPU), says so in
// a "replanned" event and retries the node.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "graph/workflow.hpp"
#include "nodes/node_timing.hpp"
#include "nodes/run_context.hpp"
#include "scheduler/cache.hpp"
#include "scheduler/cancel.hpp"
#include "scheduler/events.hpp"
#include "scheduler/budget.hpp"
#include "scheduler/plan.hpp"
#include "scheduler/planner.hpp"
#include "scheduler/run_memory.hpp"

namespace vkflow::scheduler {

// A node threw. The message names the node id and type; `bad_input_file` is set when the
// cause was a FormatError (an unreadable image, audio or model file: exit code 5).
struct NodeFailed : Error {
  NodeFailed(std::string node, std::string type, const std::string& what, bool bad_input_file)
      : Error("node '" + node + "' (" + type + "): " + what), node(std::move(node)), type(std::move(type)),
        bad_input_file(bad_input_file) {}
  std::string node, type;
  bool bad_input_file;
};

struct ExecOptions {
  nodes::RunEnv env;
  Cache* cache = nullptr;                  // null: nothing is cached
  const CancelToken* cancel = nullptr;     // null: cannot be cancelled
  EventBus events;
  // The device a placement runs on (cpu::device(), a Vulkan device, ...).
  std::function<Device&(const Placement&)> device_for;
  nodes::ModelPool* models = nullptr;      // null: the executor keeps its own for the run
  // What `plan` was made from; with both set, an OutOfMemory re-plans instead of failing.
  const PlanInput* plan_input = nullptr;
  const Machine* machine = nullptr;
  int max_replans = 8;
};

enum class NodeStatus { Ran, Cached, Skipped };

struct NodeReport {
  std::string node, type;
  NodeStatus status = NodeStatus::Ran;
  double seconds = 0;
  NodeMemory memory;                       // for nodes that ran
  nodes::NodeTiming timing;                // for nodes that ran: loads, phases, steps
};

struct RunReport {
  std::vector<NodeReport> nodes;                    // in execution order
  std::vector<std::filesystem::path> outputs;       // files written by output nodes
  std::vector<std::pair<std::string, std::string>> freed;  // (freed node, after node)
  double seconds = 0;
  std::vector<DeviceMemory> devices;       // every device a node ran on, plan order first
  std::vector<std::string> replans;        // one message per re-plan after OutOfMemory
  int count(NodeStatus s) const;
};

// Throws NodeFailed, Cancelled, or Error for a plan that does not match the workflow.
RunReport execute(const graph::Workflow& wf, const Plan& plan, ExecOptions& opts);

}  // namespace vkflow::scheduler
