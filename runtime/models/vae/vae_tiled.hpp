#pragma once
// Tiled VAE decode: the latent is cut into overlapping tiles, each decoded alone (so the
// device holds one tile's activations at a time), and the decoded tiles are blended with
// feathered weights so no seam shows.
//
// The scheme, per axis (latent size n, tile t, overlap o, all in latent pixels):
//  - n <= t: one tile. Otherwise k = ceil((n - o) / (t - o)) tiles whose starts are spread
//    evenly from 0 to n - t (start_i = round(i·(n - t)/(k - 1))), so neighbours overlap by at
//    least o latent pixels.
//  - In image pixels (×f, f = the VAE's downscale, 8 for SD) a tile's weight along the axis,
//    over each region of o' pixels it shares with a neighbour, counted from its edge: 0 on
//    the outer quarter (m = floor(o'/4) pixels), a linear ramp (d - m + 0.5)/(o' - 2m) over the
//    middle half, 1 on the inner quarter; 1 elsewhere and at the image border (no neighbour).
//    The neighbour's weight over the same region is the mirror image: the two sum to 1.
//  - The 2-D weight is the product of the two axes' weights; the output is Σ wᵢ·tileᵢ / Σ wᵢ.
// A tile's border pixels lack the context beyond the tile (the 3x3 conv stack reaches several
// latent pixels; the mid-block attention and GroupNorm statistics see only the tile), so they
// are dropped and their neighbours fade in over the middle of the shared region (a ramp over
// the whole region let border artefacts leak in as visible bands). The result approaches the
// full decode as tiles and overlap grow but is not equal to it (tests/sd15/vae_tiled_test.cpp).
#include <cstdint>
#include <vector>

#include "runtime/core/tensor.hpp"
#include "runtime/models/vae/autoencoder_kl.hpp"

namespace vkflow::models {

struct VaeTiling {
  int64_t tile = 64;     // latent pixels per tile side (ComfyUI VAEDecodeTiled tile_size 512 px / 8)
  int64_t overlap = 8;   // latent pixels shared by neighbours (ComfyUI overlap 64 px / 8)
};

// Tile start offsets along one axis (see above). Throws Error for tile < 1 or overlap not in [0, tile).
std::vector<int64_t> tile_starts(int64_t n, int64_t tile, int64_t overlap);
// The blend weight of each of `len` image pixels of a tile whose overlaps with the previous /
// next tile are `before` / `after` image pixels (0 = no neighbour on that side).
std::vector<float> tile_ramp(int64_t len, int64_t before, int64_t after);

// decode() tile by tile; same result shape [B, 3, h·f, w·f] on the VAE's device. Blending runs
// on the host in f32 (one tile on the device at a time).
Tensor decode_tiled(const AutoencoderKL& vae, const Tensor& z, const VaeTiling& tiling);

}  // namespace vkflow::models
