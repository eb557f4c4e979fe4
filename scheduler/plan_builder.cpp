#include "scheduler/plan_builder.hpp"

#include <algorithm>

#include "graph/dag.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::scheduler {

graph::DevicePin parse_pin(std::string_view s, std::string_view what) {
  if (s == "cpu") return graph::DevicePin::Cpu;
  if (s == "vulkan" || s == "gpu") return graph::DevicePin::Vulkan;
  if (s == "auto") return graph::DevicePin::Auto;
  throw Error(std::string(what) + ": '" + std::string(s) + "' is not a device (cpu, vulkan or auto)");
}

PlanInput build_plan_input(const graph::Workflow& wf, const std::vector<std::string>& order,
                           const NodeLookup& lookup, const BuildOptions& opt) {
  PlanInput in;
  std::map<std::string, nlohmann::json> outputs;  // node id -> its estimate's output metadata
  for (const auto& id : order) {
    auto it = wf.nodes.find(id);
    if (it == wf.nodes.end()) throw Error("execution order names node '" + id + "', which the workflow does not have");
    const graph::NodeDoc& doc = it->second;
    const nodes::NodeDef* def = lookup(doc.type);
    if (!def) throw Error("node '" + id + "': unknown node type '" + doc.type + "'");

    PlanNode n;
    n.id = id;
    n.type = doc.type;
    n.pin = doc.device;
    n.pin_source = "workflow";
    if (opt.pin_all) n.pin = *opt.pin_all, n.pin_source = "--device";
    if (auto p = opt.pins.find(id); p != opt.pins.end()) n.pin = p->second, n.pin_source = "--pin";

    nlohmann::json inputs = nlohmann::json::object();
    for (const auto& spec : def->schema.inputs)
      if (!spec.default_value.is_null()) inputs[spec.name] = spec.default_value;
    for (const auto& [name, value] : doc.inputs) {
      if (const auto* link = std::get_if<graph::Link>(&value)) {
        const auto& up = outputs[link->node];
        inputs[name] = up.contains(link->output) ? up[link->output] : nlohmann::json();
        if (std::find(n.inputs_from.begin(), n.inputs_from.end(), link->node) == n.inputs_from.end())
          n.inputs_from.push_back(link->node);
      } else {
        inputs[name] = std::get<nlohmann::json>(value);
      }
    }

    std::vector<DeviceKind> kinds;
    for (const auto& d : def->schema.devices) {
      if (d == "cpu") kinds.push_back(DeviceKind::Cpu);
      else if (d == "vulkan") kinds.push_back(DeviceKind::Vulkan);
    }
    if (kinds.empty()) kinds.push_back(DeviceKind::Cpu);
    nlohmann::json out_meta = nlohmann::json::object();
    if (!def->estimate) {
      // No hook: the node holds no device memory worth planning. One zero footprint, on the
      // host when allowed, so no GPU is woken for it.
      models::Footprint f;
      f.device = std::find(kinds.begin(), kinds.end(), DeviceKind::Cpu) != kinds.end() ? DeviceKind::Cpu : kinds.front();
      n.variants.push_back(f);
      kinds.clear();
    }
    for (DeviceKind k : kinds) {
      nodes::EstimateContext ctx{doc, k, inputs, opt.models_dir, &wf, opt.activation_bytes};
      nodes::Estimate e;
      try {
        e = def->estimate(ctx);
      } catch (const FormatError& err) {  // an unreadable model file stays a bad input file
        throw FormatError("node '" + id + "' (" + doc.type + "): estimate", err.what());
      } catch (const Error& err) {
        throw Error("node '" + id + "' (" + doc.type + "): estimate: " + err.what());
      }
      for (auto& f : e.variants) {
        f.device = k;
        n.variants.push_back(std::move(f));
      }
      if (out_meta.empty()) out_meta = e.outputs;
      n.output_bytes = std::max(n.output_bytes, e.output_bytes);
    }
    if (n.variants.empty()) throw Error("node '" + id + "' (" + doc.type + "): its estimate offers no way to run");
    outputs[id] = std::move(out_meta);
    in.nodes.push_back(std::move(n));
  }
  return in;
}

Plan plan_workflow(const graph::Workflow& wf, const NodeLookup& lookup, const Machine& m, const BuildOptions& opt) {
  return place(build_plan_input(wf, graph::topological_order(wf), lookup, opt), m);
}

}  // namespace vkflow::scheduler
