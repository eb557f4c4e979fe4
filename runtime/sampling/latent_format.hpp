#pragma once
// Latent scaling between ComfyUI's stored (VAE) latents and the space the model samples in:
// sampled = (stored - shift) · scale, stored = sampled / scale + shift.
// SD1.5: scale 0.18215, shift 0; FLUX: scale 0.3611, shift 0.1159.
#include <span>
#include <vector>

namespace vkflow::sampling {

struct LatentFormat {
  double scale = 0.18215;
  double shift = 0.0;
  static LatentFormat sd15() { return {0.18215, 0.0}; }
  static LatentFormat flux() { return {0.3611, 0.1159}; }
};

// ComfyUI process_latent_in / process_latent_out (in place).
void latent_to_model(const LatentFormat& f, std::span<float> x);
void latent_from_model(const LatentFormat& f, std::span<float> x);

}  // namespace vkflow::sampling
