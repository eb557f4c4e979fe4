#include "graph/validate.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "graph/dag.hpp"
#include "graph/parse_workflow.hpp"

namespace vkflow::graph {

using nlohmann::json;

namespace {

std::string fmt_num(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
  std::ostringstream s;
  s << v;
  return s.str();
}

std::string join_quoted(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + json(s).dump();
  return out;
}

bool is_integral(const json& v) {
  if (v.is_number_integer()) return true;
  if (!v.is_number_float()) return false;
  double d = v.get<double>();
  return std::isfinite(d) && std::floor(d) == d;
}

template <class F>
std::string names_of(const std::vector<F>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i.name + " (" + i.type + ")";
  return out.empty() ? "none" : out;
}

SourceLoc input_loc(const NodeDoc& n, const std::string& input) {
  auto it = n.input_locs.find(input);
  return it == n.input_locs.end() ? n.loc : it->second;
}

}  // namespace

std::string describe_spec(const InputSpec& s) {
  std::string out = s.type;
  if (s.min && s.max) out += " in [" + fmt_num(*s.min) + ", " + fmt_num(*s.max) + "]";
  else if (s.min) out += " >= " + fmt_num(*s.min);
  else if (s.max) out += " <= " + fmt_num(*s.max);
  if (!s.choices.empty()) out += ", one of " + join_quoted(s.choices);
  return out;
}

std::optional<LiteralProblem> check_literal(const InputSpec& s, const json& v) {
  std::string got = ", got " + describe_value(v);
  if (!types::is_primitive(s.type))
    return LiteralProblem{"literal_for_link_type", "expected a link to a " + s.type +
                          " output ({\"from\": \"<node>\", \"output\": \"<name>\"})" + got};
  bool ok = (s.type == types::INT && is_integral(v)) || (s.type == types::FLOAT && v.is_number()) ||
            (s.type == types::BOOL && v.is_boolean()) || (s.type == types::STRING && v.is_string());
  if (!ok) return LiteralProblem{"wrong_json_type", "expected " + describe_spec(s) + got};
  if (v.is_number()) {
    double d = v.get<double>();
    if ((s.min && d < *s.min) || (s.max && d > *s.max))
      return LiteralProblem{"out_of_range", "expected " + describe_spec(s) + got};
  }
  if (v.is_string() && !s.choices.empty() &&
      std::find(s.choices.begin(), s.choices.end(), v.get<std::string>()) == s.choices.end())
    return LiteralProblem{"not_in_choices", "expected " + describe_spec(s) + got};
  return std::nullopt;
}

namespace {

void check_link(Workflow& wf, const SchemaLookup& schemas, const NodeDoc& n, const std::string& name,
                const InputSpec& spec, Link& link, std::vector<Diagnostic>& diags) {
  SourceLoc loc = input_loc(n, name);
  auto it = wf.nodes.find(link.node);
  if (it == wf.nodes.end()) {
    diags.push_back({"link_to_missing_node", n.id, name, "links to node '" + link.node +
                     "', which does not exist", loc});
    return;
  }
  const NodeSchema* ps = schemas(it->second.type);
  if (!ps) return;  // the producer's unknown type is reported on its own
  if (link.output.empty()) {
    if (ps->outputs.size() == 1) {
      link.output = ps->outputs[0].name;
    } else {
      diags.push_back({"ambiguous_output", n.id, name, "node '" + link.node + "' (" + ps->type +
                       ") has " + std::to_string(ps->outputs.size()) + " outputs; name one with "
                       "\"output\": " + names_of(ps->outputs), loc});
      return;
    }
  }
  const OutputSpec* out = ps->output(link.output);
  if (!out) {
    diags.push_back({"link_to_missing_output", n.id, name, "node '" + link.node + "' (" + ps->type +
                     ") has no output '" + link.output + "'; it has " + names_of(ps->outputs), loc});
    return;
  }
  if (out->type != spec.type)
    diags.push_back({"type_mismatch", n.id, name, "expected " + spec.type + ", got " + out->type +
                     " from node '" + link.node + "' output '" + out->name + "'", loc});
}

void check_device(const NodeDoc& n, const NodeSchema& s, std::vector<Diagnostic>& diags) {
  if (n.device == DevicePin::Auto) return;
  std::string want = to_string(n.device);
  if (std::find(s.devices.begin(), s.devices.end(), want) != s.devices.end()) return;
  std::string can;
  for (const auto& d : s.devices) can += (can.empty() ? "" : ", ") + d;
  diags.push_back({"unsupported_device", n.id, "", "pinned to device '" + want + "', but " + s.type +
                   " runs only on: " + can, n.loc});
}

void check_node(Workflow& wf, NodeDoc& n, const SchemaLookup& schemas, std::vector<Diagnostic>& diags) {
  // An unexpanded template or a node without a type: reported already.
  if (n.type.empty() || n.type.rfind(kTemplatePrefix, 0) == 0) return;
  const NodeSchema* s = schemas(n.type);
  if (!s) {
    diags.push_back({"unknown_node_type", n.id, "", "unknown node type '" + n.type +
                     "' (see `vkflow nodes`)", n.loc});
    return;
  }
  check_device(n, *s, diags);
  for (auto& [name, value] : n.inputs) {
    if (n.reported_inputs.count(name)) continue;  // its problem was reported where it arose
    const InputSpec* spec = s->input(name);
    if (!spec) {
      diags.push_back({"unknown_input", n.id, name, s->type + " has no input '" + name +
                       "'; it has " + names_of(s->inputs), input_loc(n, name)});
      continue;
    }
    if (auto* link = std::get_if<Link>(&value)) {
      check_link(wf, schemas, n, name, *spec, *link, diags);
      continue;
    }
    const json& lit = std::get<json>(value);
    if (is_param_ref(lit)) {
      diags.push_back({"param_outside_template", n.id, name, "{\"param\": ...} may only be used "
                       "inside a template file", input_loc(n, name)});
    } else if (auto p = check_literal(*spec, lit)) {
      diags.push_back({p->code, n.id, name, p->message, input_loc(n, name)});
    }
  }
  for (const auto& spec : s->inputs) {
    if (n.inputs.count(spec.name) || n.reported_inputs.count(spec.name)) continue;
    if (spec.required) {
      std::string what = types::is_primitive(spec.type) ? describe_spec(spec)
                                                         : "a link to a " + spec.type + " output";
      diags.push_back({"missing_required_input", n.id, spec.name,
                       "required input is missing: expected " + what, n.loc});
    } else if (!spec.default_value.is_null()) {
      n.inputs[spec.name] = spec.default_value;
    }
  }
}

}  // namespace

void validate_workflow(Workflow& wf, const SchemaLookup& schemas, std::vector<Diagnostic>& diags) {
  if (wf.nodes.empty()) {
    diags.push_back({"empty_workflow", "", "", "the workflow has no nodes", {}});
    return;
  }
  bool has_output = false, all_known = true;  // an unknown type may be the output node
  for (auto& [id, n] : wf.nodes) {
    check_node(wf, n, schemas, diags);
    const NodeSchema* s = schemas(n.type);
    has_output = has_output || (s && s->output_node);
    all_known = all_known && s;
  }
  auto cycle = find_cycle(wf);
  if (!cycle.empty()) {
    std::string path;
    for (const auto& id : cycle) path += "'" + id + "' -> ";
    diags.push_back({"cycle", cycle.front(), "", "the links form a cycle: " + path + "'" +
                     cycle.front() + "'", wf.nodes.at(cycle.front()).loc});
  }
  if (!has_output && all_known)
    diags.push_back({"no_output_node", "", "", "no output node (e.g. SaveImage, SaveAudio): nothing "
                     "would be written, so nothing would run", {}});
}

}  // namespace vkflow::graph
