// Tiled VAE decode: the tile grid and blend weights, tiled ≈ full decode, no seams on a
// constant latent, on every test device.
#include <gtest/gtest.h>


#include "runtime/models/vae/vae_tiled.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/unary.hpp"
#include "tests/sd15/fixture.hpp"

namespace vkflow::models {
namespace {

TEST(VaeTiles, StartsCoverWithAtLeastTheOverlap) {
  EXPECT_EQ(tile_starts(16, 16, 4), std::vector<int64_t>{0});
  EXPECT_EQ(tile_starts(10, 16, 4), std::vector<int64_t>{0});
  EXPECT_EQ(tile_starts(16, 8, 4), (std::vector<int64_t>{0, 4, 8}));
  EXPECT_EQ(tile_starts(17, 8, 2), (std::vector<int64_t>{0, 5, 9}));
  for (int64_t n : {9, 33, 64, 97, 128})
    for (int64_t t : {8, 16, 32})
      for (int64_t o : {0, 2, 4, 7}) {
        if (o >= t) continue;
        const auto s = tile_starts(n, t, o);
        EXPECT_EQ(s.front(), 0);
        EXPECT_EQ(std::min(n, s.back() + t), n);
        for (size_t i = 1; i < s.size(); ++i) EXPECT_GE(s[i - 1] + t - s[i], o) << n << " " << t << " " << o;
      }
  EXPECT_THROW(tile_starts(16, 8, 8), Error);
  EXPECT_THROW(tile_starts(16, 0, 0), Error);
}

TEST(VaeTiles, NeighbourRampsSumToOne) {
  // Two 64-px tiles sharing 24 px: the first's falling weights and the second's rising ones
  // add up to 1 at every shared pixel; the outer quarter of the shared region (6 px at each
  // tile's edge, the pixels that lack context) gets weight 0; image borders keep weight 1.
  const auto a = tile_ramp(64, 0, 24), b = tile_ramp(64, 24, 0);
  EXPECT_EQ(a.front(), 1.0f);
  EXPECT_EQ(b.back(), 1.0f);
  for (int p = 0; p < 24; ++p) EXPECT_NEAR(a[40 + p] + b[p], 1.0f, 1e-6f) << p;
  for (int p = 0; p < 46; ++p) EXPECT_EQ(a[p], 1.0f) << p;
  for (int p = 58; p < 64; ++p) EXPECT_EQ(a[p], 0.0f) << p;
  for (int p = 46; p < 58; ++p) EXPECT_TRUE(a[p] > 0.0f && a[p] < 1.0f) << p;
  for (int p = 47; p < 58; ++p) EXPECT_LT(a[p], a[p - 1]) << p;
}

TEST(VaeTiled, OneTileIsTheFullDecode) {
  Device& dev = *test::test_devices().front();
  AutoencoderKL vae(test::sd15_model(), dev, "first_stage_model.", VaeParts::Decoder);
  const Tensor z = ops::scale(test::io_tensor(dev, "vae_latent"), 1.0f / 0.18215f);
  EXPECT_EQ(decode_tiled(vae, z, {.tile = 16, .overlap = 4}).to_f32(), vae.decode(z).to_f32());
}

TEST(VaeTiled, ApproachesTheFullDecodeAsTilesGrow) {
  // Tiles see less context than the full decode: the fixture VAE's random weights have border
  // effects reaching ~12 latent pixels, and the mid-block attention and GroupNorm statistics
  // cover one tile. So tiled differs from full, less and less as tile and overlap grow. Bounds
  // are relative to max |full|, ~1.5x the values measured on the CPU.
  struct Case { VaeTiling t; double mean_tol, max_tol; };
  // The blending is host code and the decode itself is checked per device (vae_test.cpp,
  // TiledMatchesTheCpuOnEveryDevice), so this runs on the first device only.
  const Case cases[] = {{{8, 4}, 0.05, 0.5}, {{10, 4}, 0.04, 0.4}, {{12, 8}, 0.02, 0.33}, {{14, 12}, 0.012, 0.18}};
  {
    Device* dev = test::test_devices().front();
    AutoencoderKL vae(test::sd15_model(), *dev, "first_stage_model.", VaeParts::Decoder);
    const Tensor z = ops::scale(test::io_tensor(*dev, "vae_latent"), 1.0f / 0.18215f);
    const std::vector<float> full = vae.decode(z).to_f32();
    const double scale = test::max_abs(full);
    double previous = INFINITY;
    for (const Case& c : cases) {
      const std::vector<float> tiled = decode_tiled(vae, z, c.t).to_f32();
      ASSERT_EQ(tiled.size(), full.size());
      double sum = 0;
      for (size_t i = 0; i < full.size(); ++i) sum += std::fabs(tiled[i] - full[i]);
      const double mean = sum / full.size() / scale, max = test::max_abs_diff(tiled, full) / scale;
      SCOPED_TRACE("tile " + std::to_string(c.t.tile) + " overlap " + std::to_string(c.t.overlap));
      EXPECT_LE(mean, c.mean_tol);
      EXPECT_LE(max, c.max_tol);
      EXPECT_LT(mean, previous);
      previous = mean;
    }
  }
}

TEST(VaeTiled, ConstantLatentHasNoSeams) {
  // A constant latent decodes to a constant image away from the image border. Tiled (two
  // tiles of 40 latent px sharing 32, wide enough for the border effects to fade), the result
  // must stay flat across the blend region — no step where tiles meet — and differ from the
  // full decode only by a uniform offset (each tile's GroupNorm statistics see one tile).
  {
    Device* dev = test::test_devices().front();
    AutoencoderKL vae(test::sd15_model(), *dev, "first_stage_model.", VaeParts::Decoder);
    const int64_t h = 8, w = 48, H = h * 8, W = w * 8;
    const Tensor z = Tensor::from_f32(*dev, {1, 4, h, w}, std::vector<float>(4 * h * w, 0.7f));
    const std::vector<float> full = vae.decode(z).to_f32();
    const std::vector<float> tiled = decode_tiled(vae, z, {.tile = 40, .overlap = 32}).to_f32();
    ASSERT_EQ(tiled.size(), full.size());
    // Columns 16 latent px (128 image px) from the left/right image borders; the tiles meet in
    // columns 64..320 (blend ramp 128..256).
    float max_step = 0, max_spread = 0;  // spread: range of (tiled - full) along one row
    for (int64_t c = 0; c < 3; ++c)
      for (int64_t y = 0; y < H; ++y) {
        float lo = INFINITY, hi = -INFINITY;
        for (int64_t x = 16 * 8; x < W - 16 * 8; ++x) {
          const size_t i = static_cast<size_t>((c * H + y) * W + x);
          max_step = std::max(max_step, std::fabs(tiled[i + 1] - tiled[i]));
          lo = std::min(lo, tiled[i] - full[i]);
          hi = std::max(hi, tiled[i] - full[i]);
        }
        max_spread = std::max(max_spread, hi - lo);
      }
    EXPECT_LE(max_step, 5e-3f);
    EXPECT_LE(max_spread, 1e-2f);
  }
}

TEST(VaeTiled, TiledMatchesTheCpuOnEveryDevice) {
  // 2x2 tiles of 6 latent px sharing 4 over an 8x8 corner of the fixture latent.
  std::vector<float> ref;
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    AutoencoderKL vae(test::sd15_model(), *dev, "first_stage_model.", VaeParts::Decoder);
    const Tensor z = ops::slice(ops::slice(ops::scale(test::io_tensor(*dev, "vae_latent"), 1.0f / 0.18215f), 2, 0, 8), 3, 0, 8);
    const std::vector<float> got = decode_tiled(vae, z, {.tile = 6, .overlap = 4}).to_f32();
    ASSERT_EQ(got.size(), 3u * 64 * 64);
    if (ref.empty()) ref = got;
    else EXPECT_LE(test::max_abs_diff(got, ref), test::model_tol(*dev, 5e-4f, test::max_abs(ref)));
  }
}

}  // namespace
}  // namespace vkflow::models
