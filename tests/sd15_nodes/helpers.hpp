#pragma once
// Loading and running the SD1.5 workflows on the tiny test checkpoint (tests/data/sd15), with
// every node on one test device.
#include <filesystem>
#include <string>
#include <vector>

#include "graph/load.hpp"
#include "nodes/node.hpp"
#include "runtime/formats/safetensors.hpp"
#include "scheduler/default_plan.hpp"
#include "scheduler/executor.hpp"
#include "tests/common/devices.hpp"
#include "tests/common/paths.hpp"

namespace vkflow::test {

inline const graph::SchemaLookup& schemas() {
  static graph::SchemaLookup s = nodes::Registry::instance().lookup();
  return s;
}

inline std::filesystem::path tiny_ckpt() { return data_dir() / "sd15" / "sd15_tiny.safetensors"; }

// Loads like `vkflow run` (templates, --set overrides, model names resolved); fails the test
// on any diagnostic.
inline graph::Workflow load_ok(const std::filesystem::path& path, std::vector<std::string> sets = {}) {
  graph::LoadOptions lo;
  lo.overrides = std::move(sets);
  auto r = graph::load_workflow(path, schemas(), lo);
  for (const auto& e : r.errors) ADD_FAILURE() << graph::format_human(e, r.workflow.source);
  return r.workflow;
}

// Runs every node of `wf` on `dev` (output files under `out`).
inline scheduler::RunReport run_on(const graph::Workflow& wf, Device& dev, const std::filesystem::path& out) {
  scheduler::ExecOptions o;
  o.env.out_dir = out;
  o.env.workflow = &wf;
  o.device_for = [&dev](const scheduler::Placement&) -> Device& { return dev; };
  return scheduler::execute(wf, scheduler::cpu_plan(wf), o);
}

// Adds a SaveLatent node after `from` so a test can read the latent back as float32.
inline void add_save_latent(graph::Workflow& wf, const std::string& from, const std::string& prefix) {
  graph::NodeDoc n;
  n.id = "save_latent";
  n.type = "SaveLatent";
  n.inputs["samples"] = graph::Link{from, "latent"};
  n.inputs["filename_prefix"] = nlohmann::json(prefix);
  wf.nodes[n.id] = std::move(n);
}

inline std::vector<float> read_latent_file(const std::filesystem::path& p) {
  return formats::SafetensorsFile::open(p).read_f32("latent_tensor");
}

}  // namespace vkflow::test
