#include "runtime/sampling/latent_format.hpp"

namespace vkflow::sampling {

void latent_to_model(const LatentFormat& f, std::span<float> x) {
  const float scale = static_cast<float>(f.scale), shift = static_cast<float>(f.shift);
  for (float& v : x) v = (v - shift) * scale;
}

void latent_from_model(const LatentFormat& f, std::span<float> x) {
  const float scale = static_cast<float>(f.scale), shift = static_cast<float>(f.shift);
  for (float& v : x) v = v / scale + shift;
}

}  // namespace vkflow::sampling
