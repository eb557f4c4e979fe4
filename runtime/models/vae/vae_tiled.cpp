#include "runtime/models/vae/vae_tiled.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/ops/layout.hpp"

namespace vkflow::models {

std::vector<int64_t> tile_starts(int64_t n, int64_t tile, int64_t overlap) {
  if (tile < 1 || overlap < 0 || overlap >= tile)
    throw Error("tiled VAE decode: tile " + std::to_string(tile) + " and overlap " + std::to_string(overlap) +
                " latent pixels (need tile >= 1 and 0 <= overlap < tile)");
  if (n <= tile) return {0};
  const int64_t stride = tile - overlap;
  const int64_t k = (n - overlap + stride - 1) / stride;  // ceil((n - o) / (t - o)) >= 2
  std::vector<int64_t> s(k);
  for (int64_t i = 0; i < k; ++i) s[i] = static_cast<int64_t>(std::llround(double(i) * double(n - tile) / double(k - 1)));
  return s;
}

std::vector<float> tile_ramp(int64_t len, int64_t before, int64_t after) {
  // Over a shared region of o pixels: weight 0 on the outer quarter (the pixels that lack
  // context), a linear ramp over the middle half, 1 on the inner quarter. The neighbour's
  // weight over the same region is the mirror image, so the two sum to 1.
  auto side = [](int64_t p, int64_t o) {  // p = distance (pixels) from the tile's edge
    if (o <= 0 || p >= o) return 1.0f;
    const int64_t m = o / 4, r = o - 2 * m;
    return std::clamp((static_cast<float>(p - m) + 0.5f) / static_cast<float>(r), 0.0f, 1.0f);
  };
  std::vector<float> w(len);
  for (int64_t p = 0; p < len; ++p) w[p] = side(p, before) * side(len - 1 - p, after);
  return w;
}

Tensor decode_tiled(const AutoencoderKL& vae, const Tensor& z, const VaeTiling& tiling) {
  if (z.rank() != 4) throw Error("tiled VAE decode: latent must be [B, C, h, w], got " + to_string(z.shape()));
  const int64_t b = z.dim(0), h = z.dim(2), w = z.dim(3), f = vae.config().downscale;
  const std::vector<int64_t> ys = tile_starts(h, tiling.tile, tiling.overlap), xs = tile_starts(w, tiling.tile, tiling.overlap);
  if (ys.size() == 1 && xs.size() == 1) return vae.decode(z);
  const int64_t th = std::min(tiling.tile, h), tw = std::min(tiling.tile, w);
  const int64_t H = h * f, W = w * f;
  int64_t channels = 0;
  std::vector<float> acc, wsum(static_cast<size_t>(H * W), 0.0f);

  // The overlap (image pixels) a tile starting at s[i] shares with its neighbours.
  auto ramp = [f](const std::vector<int64_t>& s, size_t i, int64_t t) {
    const int64_t before = i > 0 ? (s[i - 1] + t - s[i]) * f : 0;
    const int64_t after = i + 1 < s.size() ? (s[i] + t - s[i + 1]) * f : 0;
    return tile_ramp(t * f, before, after);
  };
  for (size_t iy = 0; iy < ys.size(); ++iy) {
    const std::vector<float> wy = ramp(ys, iy, th);
    for (size_t ix = 0; ix < xs.size(); ++ix) {
      const std::vector<float> wx = ramp(xs, ix, tw);
      Tensor zt = ops::slice(ops::slice(z, 2, ys[iy], ys[iy] + th), 3, xs[ix], xs[ix] + tw);
      const std::vector<float> img = vae.decode(zt).to_f32();  // [B, C, th·f, tw·f]
      const int64_t ph = th * f, pw = tw * f;
      if (channels == 0) {
        channels = static_cast<int64_t>(img.size()) / (b * ph * pw);
        acc.assign(static_cast<size_t>(b * channels * H * W), 0.0f);
      }
      const int64_t y0 = ys[iy] * f, x0 = xs[ix] * f;
      for (int64_t y = 0; y < ph; ++y)
        for (int64_t x = 0; x < pw; ++x) {
          const float wt = wy[y] * wx[x];
          const int64_t dst = (y0 + y) * W + x0 + x;
          wsum[dst] += wt;
          for (int64_t bc = 0; bc < b * channels; ++bc) acc[bc * H * W + dst] += wt * img[(bc * ph + y) * pw + x];
        }
    }
  }
  for (int64_t bc = 0; bc < b * channels; ++bc)
    for (int64_t p = 0; p < H * W; ++p) acc[bc * H * W + p] /= wsum[p];
  return Tensor::from_f32(vae.device(), {b, channels, H, W}, acc);
}

}  // namespace vkflow::models
