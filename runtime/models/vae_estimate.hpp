#pragma once
// LDM-style VAE decoder (SD1.5's VAE and FLUX's AE share it: conv_in, a mid block with one
// single-head attention, up levels of resnets with nearest-neighbour upsampling): weights and
// peak activations for decoding a latent, whole or in overlapping tiles.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/models/footprint.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::models {

struct VaeDecodeRequest {
  int64_t latent_h = 64, latent_w = 64;
  int batch = 1;
  int act_bytes = 4;
  // A fixed tile (VAEDecodeTiled's tile_size, in latent pixels); nullopt = offer full decode
  // and the tiles that fit, fastest first.
  std::optional<int64_t> tile;
  int64_t overlap = 8;                // latent pixels shared by neighbouring tiles
};

// `prefix` is where the decoder's tensors start: "first_stage_model." in an SD checkpoint,
// "" in a standalone VAE/AE file (names "decoder.*").
std::vector<Footprint> vae_decode_estimate(const ModelHeader& h, const std::string& prefix,
                                           const VaeDecodeRequest& r, DeviceKind device);

// Encoding a batch of height x width images whole (the posterior mean, as VAEEncode).
Footprint vae_encode_estimate(const ModelHeader& h, const std::string& prefix, int64_t batch, int64_t height,
                              int64_t width, int act_bytes, DeviceKind device);

}  // namespace vkflow::models
