#pragma once
// The SD1.x implementations of the MODEL, CLIP and VAE handles (model_values.hpp) over one
// opened checkpoint: UNet (eps prediction, ComfyUI's ModelSamplingDiscrete), CLIP-L text
// encoder with ComfyUI's prompt weighting, LDM AutoencoderKL. Weights load lazily on the
// device each consuming node runs on.
#include <filesystem>
#include <memory>

#include "nodes/model_values.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::nodes {

struct Sd15Checkpoint {
  std::shared_ptr<const DiffusionModel> model;
  std::shared_ptr<const TextEncoder> clip;
  std::shared_ptr<const ImageAutoencoder> vae;
};

// Opens `path` (headers only). Throws FormatError naming the file when it is not an SD1.x
// checkpoint (with UNet, text encoder and VAE).
Sd15Checkpoint open_sd15_checkpoint(const std::filesystem::path& path);

// The conditioning ComfyUI's CLIPTextEncode produces from per-chunk encodings: weighted tokens
// pulled away from the empty prompt's encoding, z = (z - z_empty)·w + z_empty, and the chunks
// concatenated along the tokens. `z` holds `rows` rows of [tokens, dim] (the prompt's chunks,
// then the empty prompt when any weight differs from 1); `weights` the chunks' token weights.
HostTensor weighted_chunk_conditioning(const std::vector<float>& z, int64_t rows, int64_t tokens, int64_t dim,
                                       const std::vector<std::vector<double>>& weights);

}  // namespace vkflow::nodes
