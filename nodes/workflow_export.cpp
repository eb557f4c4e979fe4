#include "nodes/workflow_export.hpp"

#include "nodes/inputs.hpp"
#include "nodes/node.hpp"

namespace vkflow::nodes {

nlohmann::json to_comfy_api(const graph::Workflow& wf, const Registry& reg, const RunEnv& env) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [id, node] : wf.nodes) {
    const NodeDef* def = reg.find(node.type);
    const graph::NodeSchema* s = def ? &def->schema : nullptr;
    // ComfyUI's names where the node has them, so ComfyUI itself can load the prompt.
    std::string cls = s && !s->comfy_class_types.empty() ? s->comfy_class_types.front() : node.type;
    nlohmann::json inputs = nlohmann::json::object();
    for (const auto& [name, value] : node.inputs) {
      const graph::InputSpec* in = s ? s->input(name) : nullptr;
      std::string key = in && !in->comfy_name.empty() ? in->comfy_name : name;
      if (const auto* link = std::get_if<graph::Link>(&value)) {
        int index = -1;
        auto up = wf.nodes.find(link->node);
        if (up != wf.nodes.end())
          if (const NodeDef* ud = reg.find(up->second.type)) index = ud->schema.output_index(link->output);
        inputs[key] = index >= 0 ? nlohmann::json::array({link->node, index})
                                 : nlohmann::json::array({link->node, link->output});
      } else {
        const auto& lit = std::get<nlohmann::json>(value);
        inputs[key] = lit;
        if (in && in->file_path && lit.is_string()) {
          std::error_code ec;
          auto p = resolve_input_path(env, lit.get<std::string>());
          if (std::filesystem::exists(p, ec)) inputs[key] = std::filesystem::absolute(p, ec).lexically_normal().string();
        }
      }
    }
    nlohmann::json n = {{"class_type", cls}, {"inputs", inputs}};
    if (!node.title.empty()) n["_meta"] = {{"title", node.title}};
    out[id] = std::move(n);
  }
  return out;
}

}  // namespace vkflow::nodes
