#include "graph/diagnostic.hpp"

namespace vkflow::graph {

std::string format_human(const Diagnostic& d, const std::string& source) {
  std::string out = d.loc.file.empty() ? source : d.loc.file;
  if (out.empty()) out = "<workflow>";
  if (d.loc.line > 0) out += ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column);
  out += ": ";
  if (!d.node.empty()) {
    out += "node '" + d.node + "'";
    if (!d.input.empty()) out += " input '" + d.input + "'";
    out += ": ";
  } else if (!d.input.empty()) {
    out += "'" + d.input + "': ";
  }
  return out + d.message;
}

nlohmann::json to_json(const Diagnostic& d) {
  nlohmann::json j = {{"code", d.code}, {"message", d.message}};
  if (!d.node.empty()) j["node"] = d.node;
  if (!d.input.empty()) j["input"] = d.input;
  if (!d.loc.file.empty()) j["file"] = d.loc.file;
  if (d.loc.line > 0) {
    j["line"] = d.loc.line;
    j["column"] = d.loc.column;
  }
  return j;
}

std::string json_kind(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::string: return "a string";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned: return "an integer";
    case nlohmann::json::value_t::number_float: return "a number";
    case nlohmann::json::value_t::boolean: return "a boolean";
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "a list";
    default: return "null";
  }
}

std::string describe_value(const nlohmann::json& v) {
  if (v.is_object() || v.is_array()) return json_kind(v);
  std::string s = v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

}  // namespace vkflow::graph
