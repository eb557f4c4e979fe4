#pragma once
// One internal naming per architecture, whatever file layout the weights came in:
//   sd15       LDM single-file names (model.diffusion_model.*, first_stage_model.*, cond_stage_model.*);
//              diffusers pipeline folders are renamed to them (diffusers_names.hpp)
//   flux       BFL names (img_in.*, double_blocks.N.*, ...) — city96 GGUF, sd.cpp GGUF and
//              BFL safetensors all map here (sd.cpp's "model.diffusion_model." is stripped)
//   flux_ae / sd_vae  BFL/LDM autoencoder names (encoder.*, decoder.*)
//   t5_encoder HF T5EncoderModel names (shared.weight, encoder.block.N.*)
//   clip_text  HF CLIPTextModel names (text_model.*)
//   whisper    openai-whisper names (encoder.blocks.N.attn.query.weight, ...), conv biases [n];
//              HF folders are renamed; whisper.cpp files also offer "mel_filters"
//   hubert     HF HubertModel names (+ final_proj.*)
//   rmvpe, rvc the names the RVC code uses
// Weight-normed convs (weight_g/weight_v or parametrizations.weight.original0/1) appear
// once, as "<conv>.weight", folded at load (see ModelFile).
#include <optional>
#include <string>
#include <string_view>

#include "runtime/formats/detect.hpp"

namespace vkflow::formats {

// The canonical name of a stored tensor, or nullopt when it is not part of the detected
// model (another component of a bundle, a tied duplicate such as whisper's proj_out).
std::optional<std::string> canonical_name(const Detection& d, std::string_view stored);

}  // namespace vkflow::formats
