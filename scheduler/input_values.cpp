#include "scheduler/input_values.hpp"

#include <cmath>

#include "runtime/core/error.hpp"

namespace vkflow::scheduler {

nodes::Value literal_value(const nlohmann::json& j, const graph::InputSpec& spec) {
  namespace T = graph::types;
  auto bad = [&](const char* expected) {
    return Error("input '" + spec.name + "': expected " + expected + ", got " + j.dump());
  };
  if (spec.type == T::INT) {
    if (j.is_number_integer()) return j.get<int64_t>();
    if (j.is_number_float() && std::floor(j.get<double>()) == j.get<double>()) return static_cast<int64_t>(j.get<double>());
    throw bad("an integer");
  }
  if (spec.type == T::FLOAT) {
    if (j.is_number()) return j.get<double>();
    throw bad("a number");
  }
  if (spec.type == T::BOOL) {
    if (j.is_boolean()) return j.get<bool>();
    throw bad("true or false");
  }
  if (spec.type == T::STRING) {
    if (j.is_string()) return j.get<std::string>();
    throw bad("a string");
  }
  throw Error("input '" + spec.name + "' of type " + spec.type + " must be a link, not a literal");
}

}  // namespace vkflow::scheduler
