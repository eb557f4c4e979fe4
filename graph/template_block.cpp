// The "template" block of a template file, and binding its parameters to values.
#include <set>

#include "graph/parse_workflow.hpp"
#include "graph/templates.hpp"
#include "graph/validate.hpp"

namespace vkflow::graph {

using nlohmann::json;

const InputSpec* TemplateInfo::parameter(std::string_view n) const {
  for (const auto& p : parameters)
    if (p.name == n) return &p;
  return nullptr;
}

namespace {

struct BlockCtx {
  const ParsedJson& doc;
  const std::string& file;
  std::vector<Diagnostic>& diags;
  void error(std::string code, std::string input, std::string msg, const std::string& ptr) {
    SourceLoc l = doc.at(ptr);
    l.file = file;
    diags.push_back({std::move(code), "", std::move(input), std::move(msg), l});
  }
};

std::optional<double> number_field(BlockCtx& c, const json& v, const std::string& key,
                                   const std::string& param, const std::string& ptr) {
  if (!v.contains(key)) return std::nullopt;
  if (v[key].is_number()) return v[key].get<double>();
  c.error("bad_template", param, "\"" + key + "\" must be a number, got " + json_kind(v[key]), ptr + "/" + key);
  return std::nullopt;
}

InputSpec parse_parameter(BlockCtx& c, const std::string& name, const json& v, const std::string& ptr) {
  InputSpec p;
  p.name = name;
  if (!v.is_object() || !v.contains("type") || !v["type"].is_string()) {
    c.error("bad_template", name, "a parameter is an object with a \"type\" (INT, FLOAT, STRING, "
            "BOOL, IMAGE, ...)", ptr);
    p.type = types::STRING;
    return p;
  }
  p.type = v["type"].get<std::string>();
  for (const auto& [k, val] : v.items()) {
    if (k == "description" && val.is_string()) p.description = val.get<std::string>();
    else if (k == "choices" && val.is_array()) {
      for (const auto& ch : val)
        if (ch.is_string()) p.choices.push_back(ch.get<std::string>());
        else c.error("bad_template", name, "\"choices\" must list strings", ptr + "/choices");
    } else if (k != "type" && k != "default" && k != "min" && k != "max" && k != "description") {
      c.error("unknown_field", name, "unknown parameter field \"" + k + "\" (expected type, default, "
              "description, min, max, choices)", ptr + "/" + pointer_token(k));
    }
  }
  p.min = number_field(c, v, "min", name, ptr);
  p.max = number_field(c, v, "max", name, ptr);
  if (v.contains("default")) {
    p.default_value = v["default"];
    if (auto prob = check_literal(p, p.default_value))
      c.error("bad_template_default", name, "default: " + prob->message, ptr + "/default");
  }
  p.required = p.default_value.is_null();
  return p;
}

}  // namespace

std::optional<TemplateInfo> parse_template_block(const ParsedJson& doc, const std::string& loc_file,
                                                 const Workflow& wf, std::vector<Diagnostic>& diags) {
  const json& d = doc.value;
  if (!d.is_object() || !d.contains("template")) return std::nullopt;
  BlockCtx c{doc, loc_file, diags};
  const json& t = d["template"];
  TemplateInfo info;
  info.file = loc_file;
  if (!t.is_object()) {
    c.error("bad_template", "", "\"template\" must be an object with name, parameters, outputs", "/template");
    return info;
  }
  for (const auto& [k, v] : t.items()) {
    std::string ptr = "/template/" + pointer_token(k);
    if ((k == "name" || k == "description") && v.is_string()) {
      (k == "name" ? info.name : info.description) = v.get<std::string>();
    } else if (k == "parameters" && v.is_object()) {
      for (const auto& [pn, pv] : v.items())
        info.parameters.push_back(parse_parameter(c, pn, pv, ptr + "/" + pointer_token(pn)));
    } else if (k == "outputs" && v.is_object()) {
      for (const auto& [on, ov] : v.items()) {
        std::string optr = ptr + "/" + pointer_token(on);
        bool ok = is_link_object(ov) && ov["from"].is_string() &&
                  (!ov.contains("output") || ov["output"].is_string());
        if (!ok) {
          c.error("bad_template_output", on, "expected {\"from\": \"<node id>\", \"output\": \"<name>\"}, got " +
                  describe_value(ov), optr);
        } else if (!wf.nodes.count(ov["from"].get<std::string>())) {
          c.error("bad_template_output", on, "exposes node '" + ov["from"].get<std::string>() +
                  "', which is not in the template", optr);
        } else {
          info.outputs[on] = Link{ov["from"].get<std::string>(), ov.value("output", std::string())};
        }
      }
    } else {
      c.error(k == "name" || k == "description" || k == "parameters" || k == "outputs" ? "bad_template" : "unknown_field",
              "", "template field \"" + k + "\" is unknown or has the wrong type (name and description "
              "are strings, parameters and outputs objects)", ptr);
    }
  }
  if (info.name.empty()) info.name = std::filesystem::path(loc_file).stem().string();
  return info;
}

void bind_parameters(std::map<std::string, NodeDoc>& nodes, const TemplateInfo& t,
                     const std::map<std::string, InputValue>& values, const std::string& owner,
                     const SourceLoc& owner_loc, const std::map<std::string, SourceLoc>& value_locs, std::vector<Diagnostic>& diags) {
  std::string have;
  for (const auto& p : t.parameters) have += (have.empty() ? "" : ", ") + p.name;
  auto loc_of = [&](const std::string& k) {
    auto it = value_locs.find(k);
    return it == value_locs.end() ? SourceLoc{} : it->second;
  };
  std::set<std::string> bad;  // parameters already reported: their inner inputs are not re-reported
  for (const auto& [k, v] : values) {
    const InputSpec* spec = t.parameter(k);
    if (!spec) {
      diags.push_back({"unknown_template_parameter", owner, k, "template '" + t.name + "' has no parameter '" +
                       k + "'; it has: " + (have.empty() ? "none" : have), loc_of(k)});
    } else if (auto* lit = std::get_if<json>(&v); lit && !is_param_ref(*lit)) {
      if (auto prob = check_literal(*spec, *lit)) {
        diags.push_back({prob->code, owner, k, prob->message, loc_of(k)});
        bad.insert(k);
      }
    }
  }
  for (const auto& p : t.parameters) {
    if (!p.required || values.count(p.name)) continue;
    bad.insert(p.name);
    std::string what = "expected " + describe_spec(p);
    if (owner.empty())
      diags.push_back({"missing_template_parameter", "", p.name, "template parameter has no default: " + what +
                       " (pass --set " + p.name + "=...)", {}});
    else
      diags.push_back({"missing_required_input", owner, p.name, "required template parameter is missing: " + what,
                       owner_loc});
  }
  for (auto& [id, n] : nodes) {
    for (auto it = n.inputs.begin(); it != n.inputs.end();) {
      auto* lit = std::get_if<json>(&it->second);
      if (!lit || !is_param_ref(*lit)) {
        ++it;
        continue;
      }
      std::string p = (*lit)["param"].is_string() ? (*lit)["param"].get<std::string>() : lit->dump();
      const InputSpec* spec = t.parameter(p);
      auto given = values.find(p);
      if (bad.count(p)) n.reported_inputs.insert(it->first);
      if (!spec) {
        diags.push_back({"unknown_template_parameter", id, it->first, "reads template parameter '" + p +
                         "', which template '" + t.name + "' does not declare (it has: " +
                         (have.empty() ? "none" : have) + ")", n.input_locs.count(it->first) ? n.input_locs.at(it->first) : n.loc});
        n.reported_inputs.insert(it->first);
        ++it;
      } else if (given != values.end()) {
        (it++)->second = given->second;
      } else if (!spec->default_value.is_null()) {
        (it++)->second = spec->default_value;
      } else {
        it = n.inputs.erase(it);  // unset: the node's own default applies (or a missing input is reported)
      }
    }
  }
}

}  // namespace vkflow::graph
