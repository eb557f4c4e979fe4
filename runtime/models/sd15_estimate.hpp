#pragma once
// SD1.5 UNet: resident weights and peak activations for a txt2img/img2img sampling run, from
// the checkpoint header (channel widths per level are read from the conv shapes).
#include <cstdint>
#include <vector>

#include "runtime/models/footprint.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::models {

struct UnetRequest {
  int64_t width = 512, height = 512;  // image pixels (latent = /8)
  int batch = 1;
  bool cfg = true;                    // classifier-free guidance doubles the UNet batch
  int steps = 20;
  int context_tokens = 77;
  int act_bytes = 4;                  // fp32 activations
};

// The footprint on `device` (one: both backends' attention is tiled and never holds a score
// matrix, so no chunking option would lower the peak).
// The UNet tensors are "model.diffusion_model.*" in a checkpoint or bare in a UNet-only file.
std::vector<Footprint> sd15_unet_estimate(const ModelHeader& h, const UnetRequest& r, DeviceKind device);

}  // namespace vkflow::models
