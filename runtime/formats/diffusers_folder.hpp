#pragma once
// A diffusers Stable Diffusion 1.x pipeline folder (model_index.json + unet/, vae/,
// text_encoder/ holding safetensors or pytorch .bin weights, optionally as "fp16" variants),
// opened as one ModelFile under the single-file LDM names (diffusers_names.hpp).
#include <filesystem>

#include "runtime/formats/model_file.hpp"

namespace vkflow::formats {

// Per component the full-precision file is preferred when both it and the fp16 variant are
// there (what diffusers loads by default); .safetensors before .bin. unet/ is required; a
// missing vae/ or text_encoder/ shows as variant has_vae/has_text_encoder = false.
ModelFile open_diffusers_folder(const std::filesystem::path& dir);

}  // namespace vkflow::formats
