#pragma once
// Everything a node's run() sees: resolved inputs, the device the plan gave it, options,
// progress and cancellation hooks, and where to write files.
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "graph/workflow.hpp"
#include "nodes/model_pool.hpp"
#include "nodes/value.hpp"
#include "runtime/core/device.hpp"

namespace vkflow::nodes {

struct RunEnv {
  std::filesystem::path out_dir = "out";
  std::filesystem::path models_dir;          // --models / VKFLOW_MODELS
  const graph::Workflow* workflow = nullptr; // embedded into outputs that carry metadata
};

struct RunContext {
  const graph::NodeDoc& node;
  const Values& inputs;
  Device& device;
  const nlohmann::json& options;             // planner-chosen options for this node
  const RunEnv& env;
  std::function<void(int64_t step, int64_t total)> progress = [](int64_t, int64_t) {};
  std::function<bool()> cancelled = [] { return false; };
  // Output nodes report every file they wrote (the CLI lists them, events carry them).
  std::function<void(const std::filesystem::path&)> wrote_file = [](const std::filesystem::path&) {};
  // Model weights resident for this run (nodes/model_pool.hpp): load through it so the plan's
  // residency (free after last use, keep when used again) applies. The executor always sets it.
  ModelPool* models = nullptr;
};

}  // namespace vkflow::nodes
