#pragma once
// Tells from tensor names and shapes (and reader metadata) what a model file holds, which
// naming layout it uses, and the variant details that are visible (sizes, SD1 vs SD2,
// FLUX schnell vs dev, whisper size/n_mels/multilingual, RVC v1/v2).
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/formats/tensor_info.hpp"

namespace vkflow::formats {

// Architecture ids (one canonical naming each; see canonical_names.hpp).
namespace arch {
inline constexpr std::string_view kUnknown = "unknown", kSd15 = "sd15", kFlux = "flux", kFluxAe = "flux_ae",
                                  kSdVae = "sd_vae", kT5 = "t5_encoder", kClip = "clip_text", kWhisper = "whisper",
                                  kHubert = "hubert", kRmvpe = "rmvpe", kRvc = "rvc";
}

struct Detection {
  std::string arch{arch::kUnknown};
  std::string layout;     // "ldm", "bfl", "bfl-sdcpp", "diffusers", "hf", "ggml", "openai", "applio", "rvc", ...
  std::string prefix;     // stripped from stored names to get canonical ones ("" = none)
  nlohmann::json variant = nlohmann::json::object();
  std::vector<std::string> problems;  // e.g. a recognised but unsupported layout
  bool supported() const { return arch != arch::kUnknown && problems.empty(); }
};

// `format` is TensorSource::format(); `metadata` its metadata (GGUF KVs, whisper hparams, ...).
Detection detect(const std::vector<TensorInfo>& tensors, const nlohmann::json& metadata, std::string_view format);

}  // namespace vkflow::formats
