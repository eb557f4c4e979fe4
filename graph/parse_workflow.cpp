#include "graph/parse_workflow.hpp"

namespace vkflow::graph {

using nlohmann::json;

bool is_link_object(const json& v) { return v.is_object() && v.contains("from"); }

bool is_param_ref(const json& v) { return v.is_object() && v.size() == 1 && v.contains("param"); }

bool is_vkflow_document(const json& doc) {
  return doc.is_object() && (doc.contains("vkflow") || doc.contains("nodes") || doc.contains("template"));
}

namespace {

struct Ctx {
  const ParsedJson& doc;
  const std::string& file;
  std::vector<Diagnostic>& diags;

  SourceLoc at(const std::string& ptr) const {
    SourceLoc l = doc.at(ptr);
    l.file = file;
    return l;
  }
  void error(std::string code, std::string node, std::string input, std::string msg,
             const std::string& ptr) {
    diags.push_back({std::move(code), std::move(node), std::move(input), std::move(msg), at(ptr)});
  }
};

void parse_input(Ctx& c, NodeDoc& n, const std::string& name, const json& v, const std::string& ptr) {
  n.input_locs[name] = c.at(ptr);
  if (!is_link_object(v)) {
    n.inputs[name] = v;  // a literal (or a {"param"} reference, handled by templates)
    return;
  }
  Link link;
  bool ok = v["from"].is_string() && !v["from"].get<std::string>().empty();
  if (ok) link.node = v["from"].get<std::string>();
  for (const auto& [k, val] : v.items()) {
    if (k == "from") continue;
    if (k == "output" && val.is_string()) link.output = val.get<std::string>();
    else ok = false;
  }
  if (!ok) {
    c.error("bad_link", n.id, name,
            "expected a link {\"from\": \"<node id>\", \"output\": \"<output name>\"}, got " + v.dump(),
            ptr);
    n.reported_inputs.insert(name);  // not "missing" as well
    return;
  }
  n.inputs[name] = link;
}

void parse_node(Ctx& c, const std::string& id, const json& v, const std::string& ptr, Workflow& wf) {
  NodeDoc n;
  n.id = id;
  n.loc = c.at(ptr);
  if (id.empty() || id.find('/') != std::string::npos) {
    c.error("bad_node_id", id, "", "node ids must be non-empty and must not contain '/' (it joins "
            "template node ids), got '" + id + "'", ptr);
  }
  if (!v.is_object()) {
    c.error("bad_node", id, "", "expected an object with \"type\" and \"inputs\", got " + json_kind(v), ptr);
    return;
  }
  for (const auto& [k, val] : v.items()) {
    std::string kp = ptr + "/" + pointer_token(k);
    if (k == "type" || k == "template" || k == "title") {
      if (!val.is_string()) {
        c.error("bad_field", id, "", "\"" + k + "\" must be a string, got " + json_kind(val), kp);
        continue;
      }
      if (k == "type") n.type = val.get<std::string>();
      else if (k == "title") n.title = val.get<std::string>();
      else n.type = std::string(kTemplatePrefix) + val.get<std::string>();
    } else if (k == "device") {
      std::string d = val.is_string() ? val.get<std::string>() : "";
      if (d == "auto") n.device = DevicePin::Auto;
      else if (d == "vulkan") n.device = DevicePin::Vulkan;
      else if (d == "cpu") n.device = DevicePin::Cpu;
      else c.error("bad_device_pin", id, "", "expected device \"auto\", \"vulkan\" or \"cpu\", got " +
                   describe_value(val), kp);
    } else if (k == "inputs") {
      if (!val.is_object()) {
        c.error("bad_field", id, "", "\"inputs\" must be an object, got " + json_kind(val), kp);
        continue;
      }
      for (const auto& [in, iv] : val.items()) parse_input(c, n, in, iv, kp + "/" + pointer_token(in));
    } else {
      c.error("unknown_field", id, "", "unknown node field \"" + k +
              "\" (expected type, template, inputs, device, title)", kp);
    }
  }
  if (v.contains("type") && v.contains("template")) {
    c.error("bad_field", id, "", "a node has either \"type\" or \"template\", not both", ptr);
  } else if (n.type.empty() && !v.contains("type") && !v.contains("template")) {
    c.error("missing_type", id, "", "node has no \"type\"", ptr);
  }
  wf.nodes[id] = std::move(n);
}

}  // namespace

Workflow parse_workflow_v1(const ParsedJson& doc, const std::string& loc_file,
                           std::vector<Diagnostic>& diags) {
  Workflow wf;
  wf.original = doc.value;
  Ctx c{doc, loc_file, diags};
  const json& d = doc.value;
  if (!d.is_object()) {
    c.error("bad_document", "", "", "expected a JSON object, got " + json_kind(d), "");
    return wf;
  }
  for (const auto& [k, v] : d.items()) {
    std::string ptr = "/" + pointer_token(k);
    if (k == "vkflow") {
      if (v != 1) c.error("unsupported_version", "", "", "expected \"vkflow\": 1, got " + describe_value(v), ptr);
    } else if (k == "description") {
      if (v.is_string()) wf.description = v.get<std::string>();
      else c.error("bad_field", "", "", "\"description\" must be a string, got " + json_kind(v), ptr);
    } else if (k != "nodes" && k != "template" && k != "$schema") {
      c.error("unknown_field", "", "", "unknown top-level field \"" + k +
              "\" (expected vkflow, nodes, description, template)", ptr);
    }
  }
  if (!d.contains("vkflow") && !d.contains("template"))
    c.error("missing_version", "", "", "missing \"vkflow\": 1 (the format version)", "");
  auto it = d.find("nodes");
  if (it == d.end() || !it->is_object()) {
    c.error("missing_nodes", "", "", "expected a \"nodes\" object mapping node ids to nodes", it == d.end() ? "" : "/nodes");
    return wf;
  }
  for (const auto& [id, v] : it->items()) parse_node(c, id, v, "/nodes/" + pointer_token(id), wf);
  return wf;
}

}  // namespace vkflow::graph
