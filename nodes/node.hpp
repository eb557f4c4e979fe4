#pragma once
// A workflow node type: its schema (ports, parameters), where it can run, how much memory it
// needs (for the planner) and how it runs. One file per node family registers its types
// with VKFLOW_REGISTER_NODES; nodes are thin and call models in runtime/.
#include <functional>
#include <string_view>
#include <vector>

#include "graph/node_schema.hpp"
#include "nodes/estimate.hpp"
#include "nodes/run_context.hpp"
#include "nodes/value.hpp"

namespace vkflow::nodes {

struct NodeDef {
  graph::NodeSchema schema;
  std::function<Values(RunContext&)> run;
  // Memory/time estimate from file headers and shapes alone; empty = no device memory.
  std::function<Estimate(EstimateContext&)> estimate;
};

class Registry {
 public:
  static Registry& instance();
  void add(NodeDef def);                              // throws on a duplicate type
  const NodeDef* find(std::string_view type) const;   // vkflow name or ComfyUI class_type
  std::vector<const NodeDef*> all() const;            // sorted by type name
  graph::SchemaLookup lookup() const;

 private:
  std::vector<NodeDef> defs_;
};

// In a node family's .cpp:  VKFLOW_REGISTER_NODES(image_io) { reg.add({...}); }
struct NodeRegistrar {
  explicit NodeRegistrar(void (*fn)(Registry&)) { fn(Registry::instance()); }
};
#define VKFLOW_REGISTER_NODES(family)                                         \
  static void vkflow_register_##family(::vkflow::nodes::Registry& reg);      \
  static ::vkflow::nodes::NodeRegistrar vkflow_registrar_##family(&vkflow_register_##family); \
  static void vkflow_register_##family(::vkflow::nodes::Registry& reg)

}  // namespace vkflow::nodes
