#include "graph/schema_export.hpp"

namespace vkflow::graph {

using nlohmann::json;

namespace {

json literal_schema(const InputSpec& in) {
  json s;
  if (in.type == types::INT) s["type"] = "integer";
  else if (in.type == types::FLOAT) s["type"] = "number";
  else if (in.type == types::BOOL) s["type"] = "boolean";
  else s["type"] = "string";
  if (in.min) s["minimum"] = *in.min;
  if (in.max) s["maximum"] = *in.max;
  if (!in.choices.empty()) s["enum"] = in.choices;
  return s;
}

json input_schema(const InputSpec& in) {
  json s;
  if (types::is_primitive(in.type)) s["anyOf"] = json::array({literal_schema(in), {{"$ref", "#/$defs/link"}}});
  else s["$ref"] = "#/$defs/link";
  std::string d = in.type + (in.description.empty() ? "" : ": " + in.description);
  s["description"] = d;
  if (!in.default_value.is_null()) s["default"] = in.default_value;
  return s;
}

json node_def(const NodeSchema& n) {
  json props = json::object(), required = json::array();
  for (const auto& in : n.inputs) {
    props[in.name] = input_schema(in);
    if (in.required) required.push_back(in.name);
  }
  json inputs = {{"type", "object"}, {"properties", props}, {"additionalProperties", false}};
  if (!required.empty()) inputs["required"] = required;
  json def = {{"type", "object"},
              {"properties", {{"type", {{"const", n.type}}}, {"inputs", inputs}, {"device", {{"$ref", "#/$defs/device"}}},
                              {"title", {{"type", "string"}}}}},
              {"required", required.empty() ? json::array({"type"}) : json::array({"type", "inputs"})},
              {"additionalProperties", false}};
  if (!n.description.empty()) def["description"] = n.description;
  return def;
}

}  // namespace

json workflow_json_schema(const std::vector<const NodeSchema*>& node_types) {
  json defs = json::object(), one_of = json::array();
  defs["link"] = {{"type", "object"},
                  {"description", "a link to another node's output (\"output\" may be left out when it has one)"},
                  {"properties", {{"from", {{"type", "string"}}}, {"output", {{"type", "string"}}}}},
                  {"required", {"from"}},
                  {"additionalProperties", false}};
  defs["param"] = {{"type", "object"}, {"description", "a template parameter (inside template files)"},
                   {"properties", {{"param", {{"type", "string"}}}}}, {"required", {"param"}},
                   {"additionalProperties", false}};
  defs["device"] = {{"enum", {"auto", "vulkan", "cpu"}}};
  for (const NodeSchema* n : node_types) {
    defs["node_" + n->type] = node_def(*n);
    one_of.push_back({{"$ref", "#/$defs/node_" + n->type}});
  }
  // Template nodes: any inputs (the template's parameters), by name or by file.
  json tprops = {{"inputs", {{"type", "object"}}}, {"device", {{"$ref", "#/$defs/device"}}}, {"title", {{"type", "string"}}}};
  json by_name = {{"type", "object"}, {"required", {"type"}}, {"additionalProperties", false}, {"properties", tprops}};
  by_name["properties"]["type"] = {{"type", "string"}, {"pattern", "^template:"}};
  json by_file = {{"type", "object"}, {"required", {"template"}}, {"additionalProperties", false}, {"properties", tprops}};
  by_file["properties"]["template"] = {{"type", "string"}};
  defs["template_node"] = {{"oneOf", {by_name, by_file}}};
  one_of.push_back({{"$ref", "#/$defs/template_node"}});
  defs["node"] = {{"oneOf", one_of}};
  json param = {{"type", "object"},
                {"properties", {{"type", {{"type", "string"}}}, {"default", json::object()}, {"description", {{"type", "string"}}},
                                {"min", {{"type", "number"}}}, {"max", {{"type", "number"}}},
                                {"choices", {{"type", "array"}, {"items", {{"type", "string"}}}}}}},
                {"required", {"type"}}, {"additionalProperties", false}};
  defs["template"] = {{"type", "object"},
                      {"properties", {{"name", {{"type", "string"}}}, {"description", {{"type", "string"}}},
                                      {"parameters", {{"type", "object"}, {"additionalProperties", param}}},
                                      {"outputs", {{"type", "object"}, {"additionalProperties", {{"$ref", "#/$defs/link"}}}}}}},
                      {"additionalProperties", false}};
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"$id", "https://vkflow.dev/schema/workflow-v1.json"},
          {"title", "vkflow workflow, format v1"},
          {"type", "object"},
          {"properties", {{"vkflow", {{"const", 1}}}, {"description", {{"type", "string"}}}, {"$schema", {{"type", "string"}}},
                          {"template", {{"$ref", "#/$defs/template"}}},
                          {"nodes", {{"type", "object"}, {"propertyNames", {{"pattern", "^[^/]+$"}}},
                                     {"additionalProperties", {{"$ref", "#/$defs/node"}}}}}}},
          {"required", {"nodes"}},
          {"additionalProperties", false},
          {"$defs", defs}};
}

json node_schema_json(const NodeSchema& s) {
  json inputs = json::array(), outputs = json::array();
  for (const auto& in : s.inputs) {
    json j = {{"name", in.name}, {"type", in.type}, {"required", in.required}};
    if (!in.default_value.is_null()) j["default"] = in.default_value;
    if (in.min) j["min"] = *in.min;
    if (in.max) j["max"] = *in.max;
    if (!in.choices.empty()) j["choices"] = in.choices;
    if (!in.comfy_name.empty()) j["comfy_name"] = in.comfy_name;
    if (!in.model_folder.empty()) j["model_folder"] = in.model_folder;
    if (!in.description.empty()) j["description"] = in.description;
    j["link_only"] = !types::is_primitive(in.type);
    inputs.push_back(j);
  }
  for (const auto& o : s.outputs) {
    json j = {{"name", o.name}, {"type", o.type}};
    if (!o.description.empty()) j["description"] = o.description;
    outputs.push_back(j);
  }
  return {{"type", s.type}, {"category", s.category}, {"description", s.description}, {"devices", s.devices},
          {"output_node", s.output_node}, {"comfy_class_types", s.comfy_class_types}, {"inputs", inputs},
          {"outputs", outputs}};
}

}  // namespace vkflow::graph
