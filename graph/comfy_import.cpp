#include "graph/comfy_import.hpp"

#include <algorithm>

namespace vkflow::graph {

using nlohmann::json;

bool is_comfy_api_format(const json& doc) {
  if (!doc.is_object() || doc.empty()) return false;
  return std::all_of(doc.begin(), doc.end(),
                     [](const json& n) { return n.is_object() && n.contains("class_type"); });
}

bool is_comfy_ui_format(const json& doc) {
  return doc.is_object() && doc.contains("nodes") && doc["nodes"].is_array() && doc.contains("links");
}

const InputSpec* input_by_comfy_name(const NodeSchema& s, std::string_view comfy_name) {
  for (const auto& i : s.inputs)
    if (i.comfy_name == comfy_name) return &i;
  const InputSpec* i = s.input(comfy_name);
  return i && i->comfy_name.empty() ? i : nullptr;
}

namespace {

const NodeSchema* schema_for_class(const SchemaLookup& schemas, const std::string& cls) {
  const NodeSchema* s = schemas(cls);
  if (!s) return nullptr;
  bool mapped = s->type == cls || std::find(s->comfy_class_types.begin(), s->comfy_class_types.end(),
                                            cls) != s->comfy_class_types.end();
  return mapped ? s : nullptr;
}

// ["4", 0] or [4, 0]: a link to output 0 of node "4".
bool is_comfy_link(const json& v) {
  return v.is_array() && v.size() == 2 && (v[0].is_string() || v[0].is_number_integer()) &&
         v[1].is_number_integer();
}

std::string id_string(const json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

}  // namespace

Workflow import_comfy_api(const ParsedJson& doc, const SchemaLookup& schemas,
                          std::vector<Diagnostic>& diags) {
  Workflow wf;
  wf.original = doc.value;
  wf.from_comfyui = true;
  const json& d = doc.value;
  auto producer_output = [&](const std::string& id, int64_t index) -> std::string {
    auto it = d.find(id);
    const NodeSchema* s = nullptr;
    if (it != d.end() && (*it)["class_type"].is_string())
      s = schema_for_class(schemas, (*it)["class_type"].get<std::string>());
    if (s && index >= 0 && index < static_cast<int64_t>(s->outputs.size()))
      return s->outputs[static_cast<size_t>(index)].name;
    return "#" + std::to_string(index);  // validation reports the missing node or output
  };
  for (const auto& [id, n] : d.items()) {
    std::string ptr = "/" + pointer_token(id);
    NodeDoc node;
    node.id = id;
    node.loc = doc.at(ptr);
    const json& cls = n["class_type"];
    if (!cls.is_string()) {
      diags.push_back({"bad_field", id, "", "\"class_type\" must be a string, got " + json_kind(cls),
                       doc.at(ptr + "/class_type")});
      continue;
    }
    const NodeSchema* s = schema_for_class(schemas, cls.get<std::string>());
    if (!s) {
      diags.push_back({"unknown_class_type", id, "", "ComfyUI class_type '" + cls.get<std::string>() +
                       "' is not implemented by vkflow (see `vkflow nodes`)", doc.at(ptr + "/class_type")});
      continue;
    }
    node.type = s->type;
    if (n.contains("_meta") && n["_meta"].is_object() && n["_meta"].value("title", json()).is_string())
      node.title = n["_meta"]["title"].get<std::string>();
    const json& inputs = n.contains("inputs") ? n["inputs"] : json::object();
    if (!inputs.is_object()) {
      diags.push_back({"bad_field", id, "", "\"inputs\" must be an object, got " + json_kind(inputs),
                       doc.at(ptr + "/inputs")});
      continue;
    }
    for (const auto& [cname, v] : inputs.items()) {
      const InputSpec* spec = input_by_comfy_name(*s, cname);
      std::string name = spec ? spec->name : cname;  // unknown names are reported by validation
      node.input_locs[name] = doc.at(ptr + "/inputs/" + pointer_token(cname));
      if (is_comfy_link(v)) {
        std::string from = id_string(v[0]);
        node.inputs[name] = Link{from, producer_output(from, v[1].get<int64_t>())};
      } else {
        node.inputs[name] = v;
      }
    }
    wf.nodes[id] = std::move(node);
  }
  return wf;
}

}  // namespace vkflow::graph
