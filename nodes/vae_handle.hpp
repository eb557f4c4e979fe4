#pragma once
// The VAE handle (model_values.hpp ImageAutoencoder) over an LDM AutoencoderKL: the VAE of an
// SD1.x checkpoint, a standalone SD VAE, or the 16-channel FLUX ae.safetensors. Latent
// channels come from the weights; decoder/encoder load lazily per device.
#include <filesystem>
#include <memory>

#include "nodes/model_values.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::nodes {

std::shared_ptr<const ImageAutoencoder> make_ldm_vae(std::shared_ptr<const formats::ModelFile> file);
// VAELoader: opens a VAE file (headers only). FormatError naming the file when it holds none.
std::shared_ptr<const ImageAutoencoder> open_vae_file(const std::filesystem::path& path);

}  // namespace vkflow::nodes
