#pragma once
// Names of a diffusers Stable Diffusion 1.x pipeline folder (unet/, vae/, text_encoder/) mapped
// to the LDM single-file names that are the sd15 canonical naming (canonical_names.hpp), so a
// folder and a single-file checkpoint offer the same weights under the same names.
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "runtime/core/shape.hpp"

namespace vkflow::formats {

// What the mapping needs to know about one component's stored names.
struct DiffusersLayout {
  int unet_layers_per_block = 2;  // resnets per down block (up blocks hold one more)
  std::set<int> unet_up_with_attention;  // up_blocks.N that hold attentions
  int vae_up_blocks = 4;          // decoder.up_blocks count (LDM numbers them in reverse)
};

// Reads the layout from the component's stored names ("unet" or "vae"; others need none).
void scan_diffusers_names(std::string_view component, std::string_view name, DiffusersLayout& layout);

// The LDM name of `name` stored in `component` ("unet", "vae", "text_encoder"), or nullopt
// when it has none (e.g. a text_projection). `shape` is updated where LDM stores the tensor
// differently (the VAE's mid-block attention linears are 1x1 convs there).
std::optional<std::string> ldm_name_from_diffusers(std::string_view component, std::string_view name, Shape& shape,
                                                   const DiffusersLayout& layout);

}  // namespace vkflow::formats
