#pragma once
// A model as vkflow uses it: one file or folder, opened with the right reader, its
// architecture detected, and its weights offered lazily under canonical names
// (canonical_names.hpp). This is the API other code should use to get weights:
//
//   auto m = ModelFile::open("flux1-schnell-Q8_0.gguf");
//   if (m.detection().arch != arch::kFlux) ...
//   const WeightInfo& w = m.at("double_blocks.0.img_attn.qkv.weight");   // dtype/shape/nbytes
//   std::vector<float> f = m.read_f32(w.name);                            // dequantized copy
//   // or stream everything to a device: load_weights(m, device) (weight_loader.hpp)
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "runtime/formats/detect.hpp"
#include "runtime/formats/tensor_source.hpp"

namespace vkflow::formats {

struct WeightInfo {
  enum class Kind : uint8_t {
    Direct,          // bytes straight from the file at `dtype`
    UpcastF8,        // stored F8_E4M3/E5M2, offered as F16 (exact)
    FoldWeightNorm,  // weight_g/weight_v folded into F32
  };
  std::string name;  // canonical
  DType dtype = DType::F32;  // as loaded
  Shape shape;
  uint64_t nbytes = 0;       // at `dtype`
  Kind kind = Kind::Direct;
  uint32_t source = 0;       // index into ModelFile::sources()
  const TensorInfo* stored = nullptr;  // Direct/UpcastF8: the tensor; FoldWeightNorm: weight_v
  const TensorInfo* g = nullptr;       // FoldWeightNorm: weight_g
};

class ModelFile {
 public:
  // A model file (any supported format) or a folder: an HF model folder (config.json and
  // model.safetensors[.index.json] / pytorch_model.bin) or a diffusers SD1.x pipeline folder
  // (model_index.json, unet/ vae/ text_encoder/; offered under the single-file LDM names).
  // Throws FormatError on bad input.
  static ModelFile open(const std::filesystem::path& path);
  // Wraps an opened source (tests, tools).
  static ModelFile from_source(std::unique_ptr<TensorSource> src, nlohmann::json extra_metadata = {});

  const Detection& detection() const { return detection_; }
  const std::vector<WeightInfo>& weights() const { return weights_; }
  const WeightInfo* find(std::string_view canonical) const;
  const WeightInfo& at(std::string_view canonical) const;  // FormatError naming the file when absent
  // The weight's bytes at w.dtype: a span of the mapped file for Direct weights; otherwise
  // converted into `scratch` (which the span then points into).
  std::span<const uint8_t> bytes(const WeightInfo& w, std::vector<uint8_t>& scratch) const;
  std::vector<float> read_f32(std::string_view canonical) const;

  const std::vector<std::unique_ptr<TensorSource>>& sources() const { return *sources_; }
  const nlohmann::json& metadata() const { return metadata_; }  // reader metadata (+ config.json)
  std::string describe() const { return describe_; }
  std::string format() const;
  // Stored tensors that are not part of the canonical model (other bundle components, ...).
  const std::vector<std::string>& ignored() const { return ignored_; }

 private:
  friend ModelFile open_diffusers_folder(const std::filesystem::path& dir);
  // A stored tensor that is part of the model: its source, canonical name and shape.
  struct Mapped {
    uint32_t source;
    const TensorInfo* t;
    std::string canonical;
    Shape shape;
  };
  void build();
  void build_weights(const std::vector<Mapped>& mapped);
  std::shared_ptr<std::vector<std::unique_ptr<TensorSource>>> sources_;
  std::vector<WeightInfo> weights_;
  std::unordered_map<std::string, size_t> index_;
  Detection detection_;
  nlohmann::json metadata_ = nlohmann::json::object();
  std::string describe_;
  std::string format_;  // overrides the first source's format ("diffusers-folder")
  std::vector<std::string> ignored_;
};

}  // namespace vkflow::formats
