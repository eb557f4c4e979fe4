#include "graph/resolve_models.hpp"

namespace vkflow::graph {

namespace fs = std::filesystem;

std::vector<std::string> model_subfolders(const std::string& f) {
  if (f == "diffusion_models" || f == "unet") return {"diffusion_models", "unet"};
  if (f == "text_encoders" || f == "clip") return {"text_encoders", "clip"};
  if (f == "rvc" || f == "voices") return {"rvc", "voices"};
  return {f};  // checkpoints, vae, whisper, and any folder a node family adds
}

std::vector<fs::path> model_candidates(const std::string& name, const std::string& model_folder,
                                       const fs::path& models_dir, const fs::path& workflow_dir) {
  fs::path p(name);
  if (p.is_absolute()) return {p};
  std::vector<fs::path> out;
  if (!models_dir.empty())
    for (const auto& sub : model_subfolders(model_folder)) out.push_back(models_dir / sub / p);
  if (!workflow_dir.empty()) out.push_back(workflow_dir / p);
  // A path typed on the command line (--set model=models/x.bin) is relative to where one is.
  std::error_code ec;
  if (auto cwd = fs::current_path(ec); !ec && cwd != workflow_dir) out.push_back(cwd / p);
  return out;
}

std::optional<fs::path> resolve_model_name(const std::string& name, const std::string& model_folder,
                                           const fs::path& models_dir, const fs::path& workflow_dir) {
  if (name.empty()) return std::nullopt;
  for (const auto& c : model_candidates(name, model_folder, models_dir, workflow_dir)) {
    std::error_code ec;
    if (fs::exists(c, ec)) return fs::absolute(c, ec).lexically_normal();
  }
  return std::nullopt;
}

void resolve_models(Workflow& wf, const SchemaLookup& schemas, const fs::path& models_dir,
                    const fs::path& workflow_dir, std::vector<Diagnostic>& diags) {
  for (auto& [id, n] : wf.nodes) {
    const NodeSchema* s = schemas(n.type);
    if (!s) continue;
    for (auto& [name, v] : n.inputs) {
      const InputSpec* spec = s->input(name);
      auto* lit = std::get_if<nlohmann::json>(&v);
      if (!spec || spec->model_folder.empty() || !lit || !lit->is_string()) continue;
      std::string model = lit->get<std::string>();
      if (auto p = resolve_model_name(model, spec->model_folder, models_dir, workflow_dir)) {
        *lit = p->string();
        continue;
      }
      std::string looked;
      for (const auto& c : model_candidates(model, spec->model_folder, models_dir, workflow_dir))
        looked += (looked.empty() ? "" : ", ") + c.string();
      std::string msg = "model '" + model + "' not found; looked in: " + (looked.empty() ? "nowhere" : looked);
      if (models_dir.empty() && !fs::path(model).is_absolute())
        msg += " (no models folder set: pass --models DIR or set VKFLOW_MODELS)";
      auto loc = n.input_locs.count(name) ? n.input_locs.at(name) : n.loc;
      diags.push_back({"model_not_found", id, name, msg, loc});
    }
  }
}

}  // namespace vkflow::graph
