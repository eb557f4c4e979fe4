#pragma once
// Short constructors for node schemas, so node files read like the port lists they declare.
#include <string>
#include <vector>

#include "graph/node_schema.hpp"

namespace vkflow::nodes {

// A required port of `type` (links for IMAGE, AUDIO, ...; literal or link for primitives).
inline graph::InputSpec port(std::string name, std::string_view type, std::string description = {}) {
  graph::InputSpec s;
  s.name = std::move(name);
  s.type = std::string(type);
  s.description = std::move(description);
  return s;
}

// A required STRING naming an input file (graph::InputSpec::file_path).
inline graph::InputSpec path_param(std::string name, std::string description = {}) {
  graph::InputSpec s = port(std::move(name), graph::types::STRING, std::move(description));
  s.file_path = true;
  return s;
}

inline graph::InputSpec int_param(std::string name, int64_t def, double min, double max, std::string description = {}) {
  graph::InputSpec s = port(std::move(name), graph::types::INT, std::move(description));
  s.required = false;
  s.default_value = def;
  s.min = min;
  s.max = max;
  return s;
}

inline graph::InputSpec float_param(std::string name, double def, double min, double max, std::string description = {}) {
  graph::InputSpec s = port(std::move(name), graph::types::FLOAT, std::move(description));
  s.required = false;
  s.default_value = def;
  s.min = min;
  s.max = max;
  return s;
}

inline graph::InputSpec string_param(std::string name, std::string def, std::string description = {}) {
  graph::InputSpec s = port(std::move(name), graph::types::STRING, std::move(description));
  s.required = false;
  s.default_value = std::move(def);
  return s;
}

inline graph::InputSpec bool_param(std::string name, bool def, std::string description = {}) {
  graph::InputSpec s = port(std::move(name), graph::types::BOOL, std::move(description));
  s.required = false;
  s.default_value = def;
  return s;
}

// A required STRING naming a model file or folder, resolved in the models folder's `folder`.
inline graph::InputSpec model_param(std::string name, std::string folder, std::string description = {}) {
  graph::InputSpec s = port(std::move(name), graph::types::STRING, std::move(description));
  s.model_folder = std::move(folder);
  return s;
}

// A STRING restricted to `choices`, defaulting to `def`.
inline graph::InputSpec choice_param(std::string name, std::string def, std::vector<std::string> choices,
                                     std::string description = {}) {
  graph::InputSpec s = string_param(std::move(name), std::move(def), std::move(description));
  s.choices = std::move(choices);
  return s;
}

inline graph::OutputSpec output(std::string name, std::string_view type, std::string description = {}) {
  return graph::OutputSpec{std::move(name), std::string(type), std::move(description)};
}

}  // namespace vkflow::nodes
