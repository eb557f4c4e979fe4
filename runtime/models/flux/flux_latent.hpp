#pragma once
// FLUX's token layout of latents: 2x2 patches packed channel-major (BFL
// "b c (h ph) (w pw) -> b (h w) (c ph pw)", diffusers _pack_latents) and the image position ids.
#include <cstdint>
#include <vector>

#include "runtime/core/tensor.hpp"

namespace vkflow::models::flux {

// x [B, C, h, w] (h, w even) -> [B, (h/2)(w/2), 4C].
Tensor pack_latent(const Tensor& x);
// [B, (h/2)(w/2), 4C] -> [B, C, h, w].
Tensor unpack_latent(const Tensor& tokens, int64_t h, int64_t w);
// (0, row, col) for each token of an h x w latent (patch grid (h/2) x (w/2)), [L, 3] row-major.
std::vector<float> image_ids(int64_t h, int64_t w);

}  // namespace vkflow::models::flux
