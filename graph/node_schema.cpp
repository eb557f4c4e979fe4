#include "graph/node_schema.hpp"

namespace vkflow::graph {

bool types::is_primitive(std::string_view t) {
  return t == INT || t == FLOAT || t == STRING || t == BOOL;
}

const InputSpec* NodeSchema::input(std::string_view n) const {
  for (const auto& i : inputs)
    if (i.name == n) return &i;
  return nullptr;
}

const OutputSpec* NodeSchema::output(std::string_view n) const {
  for (const auto& o : outputs)
    if (o.name == n) return &o;
  return nullptr;
}

int NodeSchema::output_index(std::string_view n) const {
  for (size_t i = 0; i < outputs.size(); ++i)
    if (outputs[i].name == n) return static_cast<int>(i);
  return -1;
}

}  // namespace vkflow::graph
