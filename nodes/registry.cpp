#include "nodes/node.hpp"

#include <algorithm>
#include <stdexcept>

namespace vkflow::nodes {

Registry& Registry::instance() {
  static Registry r;
  return r;
}

void Registry::add(NodeDef def) {
  if (find(def.schema.type)) throw std::logic_error("node type registered twice: " + def.schema.type);
  defs_.push_back(std::move(def));
}

const NodeDef* Registry::find(std::string_view type) const {
  for (const auto& d : defs_) {
    if (d.schema.type == type) return &d;
    for (const auto& c : d.schema.comfy_class_types)
      if (c == type) return &d;
  }
  return nullptr;
}

std::vector<const NodeDef*> Registry::all() const {
  std::vector<const NodeDef*> r;
  for (const auto& d : defs_) r.push_back(&d);
  std::sort(r.begin(), r.end(), [](auto* a, auto* b) { return a->schema.type < b->schema.type; });
  return r;
}

graph::SchemaLookup Registry::lookup() const {
  return [this](std::string_view t) -> const graph::NodeSchema* {
    const NodeDef* d = find(t);
    return d ? &d->schema : nullptr;
  };
}

}  // namespace vkflow::nodes
