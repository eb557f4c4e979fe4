#include "graph/overrides.hpp"

#include "graph/comfy_import.hpp"

namespace vkflow::graph {

using nlohmann::json;

json parse_override_value(const std::string& v) {
  json j = json::parse(v, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? json(v) : j;
}

std::optional<Override> parse_override(const std::string& text, std::vector<Diagnostic>& diags) {
  auto eq = text.find('=');
  std::string key = eq == std::string::npos ? "" : text.substr(0, eq);
  auto dot = key.rfind('.');
  Override o;
  o.text = text;
  if (dot != std::string::npos) {
    o.node = key.substr(0, dot);
    o.input = key.substr(dot + 1);
  } else {
    o.input = key;
  }
  if (eq == std::string::npos || o.input.empty() || (dot != std::string::npos && o.node.empty())) {
    diags.push_back({"bad_override_syntax", "", "", "--set '" + text +
                     "': expected node.input=value or parameter=value", {}});
    return std::nullopt;
  }
  o.value = parse_override_value(text.substr(eq + 1));
  return o;
}

std::map<std::string, InputValue> parameter_values(const std::vector<Override>& ovs) {
  std::map<std::string, InputValue> out;
  for (const auto& o : ovs)
    if (o.node.empty()) out[o.input] = o.value;
  return out;
}

void apply_node_overrides(Workflow& wf, const std::vector<Override>& ovs, const SchemaLookup& schemas,
                          std::vector<Diagnostic>& diags) {
  for (const auto& o : ovs) {
    if (o.node.empty()) continue;
    auto it = wf.nodes.find(o.node);
    if (it == wf.nodes.end()) {
      diags.push_back({"bad_override_target", o.node, o.input, "--set '" + o.text + "': no node '" +
                       o.node + "' in the workflow", {}});
      continue;
    }
    NodeDoc& n = it->second;
    std::string input = o.input;
    if (const NodeSchema* s = schemas(n.type); s && !s->input(input))
      if (const InputSpec* c = input_by_comfy_name(*s, input)) input = c->name;
    auto cur = n.inputs.find(input);
    if (cur != n.inputs.end() && std::holds_alternative<Link>(cur->second)) {
      diags.push_back({"bad_override_target", o.node, input, "--set '" + o.text + "': input '" + input +
                       "' is a link from node '" + std::get<Link>(cur->second).node +
                       "', not a literal", n.input_locs.count(input) ? n.input_locs.at(input) : n.loc});
      continue;
    }
    n.inputs[input] = o.value;
    n.input_locs.erase(input);  // the value no longer comes from the file
  }
}

}  // namespace vkflow::graph
