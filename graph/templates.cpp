// Finding template files and expanding template nodes into their subgraphs.
#include "graph/templates.hpp"

#include <algorithm>

#include "graph/parse_workflow.hpp"

namespace vkflow::graph {

namespace fs = std::filesystem;

namespace {

bool is_path_ref(const std::string& ref) {
  return ref.find('/') != std::string::npos || (ref.size() > 5 && ref.substr(ref.size() - 5) == ".json");
}

std::vector<fs::path> template_candidates(const std::string& ref, const TemplateContext& ctx) {
  std::vector<fs::path> out;
  if (is_path_ref(ref)) {
    fs::path p(ref);
    out.push_back(p.is_absolute() || ctx.base_dir.empty() ? p : ctx.base_dir / p);
    return out;
  }
  if (!ctx.base_dir.empty()) out.push_back(ctx.base_dir / (ref + ".json"));
  for (const auto& d : ctx.search_dirs) out.push_back(d / (ref + ".json"));
  return out;
}

std::string canonical_name(const fs::path& p) {
  std::error_code ec;
  fs::path c = fs::weakly_canonical(p, ec);
  return (ec ? p : c).string();
}

bool can_run_on(const TemplateContext& ctx, const std::string& type, DevicePin pin) {
  const NodeSchema* s = ctx.schemas ? ctx.schemas(type) : nullptr;
  return s && std::find(s->devices.begin(), s->devices.end(), to_string(pin)) != s->devices.end();
}

// Points links to `id` (a template node just expanded) at the inner nodes its outputs expose.
// Returns false when the link names no exposed output (reported here).
bool reroute(Link& link, const std::string& consumer, const std::string& input, const SourceLoc& loc,
             const std::string& id, const TemplateInfo& t, std::vector<Diagnostic>& diags) {
  if (link.node != id) return true;
  std::string name = link.output;
  if (name.empty() && t.outputs.size() == 1) name = t.outputs.begin()->first;
  auto out = t.outputs.find(name);
  if (out != t.outputs.end()) {
    link = Link{id + "/" + out->second.node, out->second.output};
    return true;
  }
  std::string have;
  for (const auto& [k, v] : t.outputs) have += (have.empty() ? "" : ", ") + k;
  bool ambiguous = name.empty() && t.outputs.size() > 1;
  std::string what = ambiguous ? "has several outputs; name one with \"output\"; it has: " + have
                     : t.outputs.empty() ? "exposes no outputs"
                                         : "has no output '" + name + "'; it has: " + have;
  diags.push_back({ambiguous ? "ambiguous_output" : "link_to_missing_output", consumer, input,
                   "template node '" + id + "' (" + t.name + ") " + what, loc});
  return false;
}

// Loads, expands and binds one template node; returns its template (nullopt when it could
// not be expanded: the node stays, and validation skips it).
std::optional<TemplateInfo> expand_one(Workflow& wf, const std::string& id, const TemplateContext& ctx, std::vector<Diagnostic>& diags) {
  NodeDoc outer = wf.nodes.at(id);
  std::string ref = outer.type.substr(kTemplatePrefix.size());
  auto fail = [&](std::string code, std::string msg) {
    diags.push_back({std::move(code), id, "", std::move(msg), outer.loc});
    return std::nullopt;
  };
  auto file = find_template(ref, ctx);
  if (!file) {
    std::string looked;
    for (const auto& c : template_candidates(ref, ctx)) looked += (looked.empty() ? "" : ", ") + c.string();
    return fail("template_not_found", "template '" + ref + "' not found; looked in: " + looked);
  }
  std::string canon = canonical_name(*file);
  if (std::find(ctx.chain.begin(), ctx.chain.end(), canon) != ctx.chain.end()) {
    std::string chain;
    for (const auto& c : ctx.chain) chain += fs::path(c).filename().string() + " -> ";
    return fail("template_recursion", "template '" + ref + "' includes itself: " + chain +
                fs::path(canon).filename().string());
  }
  ParsedJson doc;
  try {
    doc = parse_json(read_text_file(*file));
  } catch (const JsonSyntaxError& e) {
    diags.push_back({"invalid_json", id, "", "template is not valid JSON: " + e.detail,
                     SourceLoc{e.loc.line, e.loc.column, file->string()}});
    return std::nullopt;
  } catch (const Error& e) {
    return fail("template_not_found", e.what());
  }
  // Problems inside the template name its nodes as the workflow will: "<id>/<inner id>".
  std::vector<Diagnostic> inner_diags;
  Workflow inner = parse_workflow_v1(doc, file->string(), inner_diags);
  auto info = parse_template_block(doc, file->string(), inner, inner_diags);
  if (info) {
    TemplateContext sub{ctx.search_dirs, file->parent_path(), ctx.chain, ctx.schemas};
    sub.chain.push_back(canon);
    expand_templates(inner, sub, inner_diags, &info->outputs);
  }
  for (auto& d : inner_diags) {
    d.node = d.node.empty() ? id : id + "/" + d.node;
    diags.push_back(std::move(d));
  }
  if (!info) return fail("not_a_template", file->string() + " has no \"template\" block");

  std::map<std::string, NodeDoc> nodes;
  for (auto& [iid, n] : inner.nodes) {
    n.id = id + "/" + iid;
    for (auto& [name, v] : n.inputs)
      if (auto* l = std::get_if<Link>(&v)) l->node = id + "/" + l->node;
    if (n.device == DevicePin::Auto && outer.device != DevicePin::Auto && can_run_on(ctx, n.type, outer.device))
      n.device = outer.device;
    nodes[n.id] = std::move(n);
  }
  bind_parameters(nodes, *info, outer.inputs, id, outer.loc, outer.input_locs, diags);
  wf.nodes.erase(id);
  wf.nodes.merge(nodes);
  for (auto& [cid, n] : wf.nodes)
    for (auto& [name, v] : n.inputs)
      if (auto* l = std::get_if<Link>(&v)) {
        auto loc = n.input_locs.count(name) ? n.input_locs.at(name) : n.loc;
        if (!reroute(*l, cid, name, loc, id, *info, diags)) n.reported_inputs.insert(name);
      }
  return info;
}

}  // namespace

std::optional<fs::path> find_template(const std::string& ref, const TemplateContext& ctx) {
  for (const auto& c : template_candidates(ref, ctx)) {
    std::error_code ec;
    if (fs::is_regular_file(c, ec)) return c;
  }
  return std::nullopt;
}

void expand_templates(Workflow& wf, const TemplateContext& ctx, std::vector<Diagnostic>& diags,
                      std::map<std::string, Link>* also_reroute) {
  std::vector<std::string> ids;
  for (const auto& [id, n] : wf.nodes)
    if (n.type.rfind(kTemplatePrefix, 0) == 0) ids.push_back(id);
  for (const auto& id : ids) {
    auto info = expand_one(wf, id, ctx, diags);
    if (!info || !also_reroute) continue;
    for (auto& [name, link] : *also_reroute)
      reroute(link, "", name, SourceLoc{0, 0, ctx.chain.empty() ? "" : ctx.chain.back()}, id, *info, diags);
  }
}

}  // namespace vkflow::graph
