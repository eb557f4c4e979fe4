#pragma once
// What a node tells the planner before anything runs (scheduler/ owns the planning).
// Filled in from file headers and shapes alone; no weights are read.
//
// The hook (NodeDef::estimate) is called once per device kind the node's schema allows, in
// execution order. It returns the ways it can run there (Footprints, fastest first, most frugal
// last) and metadata about its outputs (e.g. {"LATENT": {"shape": [1,16,128,128]}}) that
// downstream nodes receive in their context's `inputs`. Model-family estimators in
// runtime/models/*_estimate.hpp compute the footprints; nodes only call them.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/workflow.hpp"
#include "runtime/core/device.hpp"
#include "runtime/models/footprint.hpp"

namespace vkflow::nodes {

using models::Footprint;
using models::WeightUse;

struct Estimate {
  std::vector<Footprint> variants;   // for the context's target device kind; fastest first
  nlohmann::json outputs = nlohmann::json::object();  // output name -> metadata for consumers
  uint64_t output_bytes = 0;         // bytes its outputs occupy in host RAM until consumed
};

struct EstimateContext {
  const graph::NodeDoc& node;
  DeviceKind target;
  // Literal inputs by name, and for linked inputs the producer's output metadata.
  nlohmann::json inputs = nlohmann::json::object();
  std::filesystem::path models_dir;  // where model-file names resolve
  const graph::Workflow* workflow = nullptr;  // for input paths relative to the workflow file
  int activation_bytes = 4;          // bytes per activation element on the target (fp32)

  // The input `name` (literal or producer metadata), or null when absent.
  const nlohmann::json& input(const char* name) const {
    static const nlohmann::json null;
    return inputs.contains(name) ? inputs[name] : null;
  }
};

}  // namespace vkflow::nodes
