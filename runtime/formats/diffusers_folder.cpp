#include "runtime/formats/diffusers_folder.hpp"

#include "runtime/core/error.hpp"
#include "runtime/formats/diffusers_names.hpp"
#include "runtime/formats/json_file.hpp"

namespace vkflow::formats {
namespace {

// The weights file of one component folder, or "" when it has none.
std::filesystem::path component_weights(const std::filesystem::path& dir) {
  std::error_code ec;
  for (const char* ext : {".safetensors", ".fp16.safetensors", ".safetensors.index.json", ".fp16.safetensors.index.json",
                          ".bin", ".fp16.bin"})
    for (const char* stem : {"diffusion_pytorch_model", "model", "pytorch_model"}) {
      auto p = dir / (std::string(stem) + ext);
      if (std::filesystem::is_regular_file(p, ec)) return p;
    }
  return {};
}

// Head counts the weights cannot show, as the single-file loaders read them from metadata.
void add_head_counts(const nlohmann::json& configs, nlohmann::json& meta) {
  auto positive_int = [](const nlohmann::json& c, const char* k) -> int64_t {
    return c.is_object() && c.contains(k) && c[k].is_number_integer() && c[k].get<int64_t>() > 0 ? c[k].get<int64_t>() : 0;
  };
  if (configs.contains("unet")) {
    // diffusers' SD1.x configs name the head count "attention_head_dim" (a historical misnomer);
    // "num_attention_heads", when set, wins.
    int64_t h = positive_int(configs["unet"], "num_attention_heads");
    if (!h) h = positive_int(configs["unet"], "attention_head_dim");
    if (h) meta["vkflow.unet.num_heads"] = std::to_string(h);
  }
  if (configs.contains("text_encoder"))
    if (int64_t h = positive_int(configs["text_encoder"], "num_attention_heads")) meta["vkflow.clip.num_heads"] = std::to_string(h);
}

}  // namespace

ModelFile open_diffusers_folder(const std::filesystem::path& dir) {
  ModelFile m;
  m.describe_ = dir.string();
  m.format_ = "diffusers-folder";
  m.sources_ = std::make_shared<std::vector<std::unique_ptr<TensorSource>>>();
  nlohmann::json index = read_json_file(dir / "model_index.json");
  if (!index.is_object()) throw FormatError((dir / "model_index.json").string(), "is not a JSON object");
  nlohmann::json configs = nlohmann::json::object(), files = nlohmann::json::object();

  std::vector<ModelFile::Mapped> mapped;
  std::vector<TensorInfo> as_ldm;  // the mapped names and shapes, for detection
  std::error_code ec;
  for (const char* component : {"unet", "vae", "text_encoder"}) {
    const auto sub = dir / component;
    const auto weights = component_weights(sub);
    if (weights.empty()) {
      if (std::string_view(component) == "unet")
        throw FormatError(dir.string(), "diffusers folder has no unet weights (unet/diffusion_pytorch_model[.fp16].safetensors or .bin)");
      continue;
    }
    if (std::filesystem::is_regular_file(sub / "config.json", ec)) configs[component] = read_json_file(sub / "config.json");
    files[component] = std::filesystem::relative(weights, dir, ec).string();
    auto src = open_tensor_source(weights);
    DiffusersLayout layout;
    for (const TensorInfo& t : src->tensors()) scan_diffusers_names(component, t.name, layout);
    const auto index_of_source = static_cast<uint32_t>(m.sources_->size());
    for (const TensorInfo& t : src->tensors()) {
      Shape shape = t.shape;
      auto ldm = ldm_name_from_diffusers(component, t.name, shape, layout);
      if (!ldm) {
        // Tensors LDM files never hold (position_ids buffers, a CLIP text_projection) are expected extras.
        if (!t.name.ends_with("position_ids")) m.ignored_.push_back(std::string(component) + "/" + t.name);
        continue;
      }
      mapped.push_back({index_of_source, &t, *ldm, shape});
      TensorInfo li = t;
      li.name = *ldm;
      li.shape = shape;
      as_ldm.push_back(std::move(li));
    }
    m.sources_->push_back(std::move(src));
  }
  m.metadata_["model_index"] = index;
  m.metadata_["diffusers_components"] = files;
  m.metadata_["diffusers_configs"] = configs;
  add_head_counts(configs, m.metadata_);

  m.detection_ = detect(as_ldm, m.metadata_, "safetensors");
  if (m.detection_.arch != arch::kSd15)
    throw FormatError(dir.string(), "diffusers folder's unet is not a Stable Diffusion UNet (" +
                                        (m.detection_.problems.empty() ? m.detection_.arch : m.detection_.problems.front()) + ")");
  m.detection_.layout = "diffusers";
  m.detection_.variant["components"] = files;
  m.build_weights(mapped);
  return m;
}

}  // namespace vkflow::formats
