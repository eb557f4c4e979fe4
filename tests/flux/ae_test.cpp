// The 16-channel FLUX AE (BFL ae.safetensors names, no quant convs) against diffusers'
// AutoencoderKL in the flux_tiny fixture: decode(ae_latent / 0.3611 + 0.1159), full and tiled.
#include <gtest/gtest.h>

#include <vector>

#include "runtime/models/vae/autoencoder_kl.hpp"
#include "runtime/models/vae/vae_tiled.hpp"
#include "runtime/ops/unary.hpp"
#include "tests/flux/fixture.hpp"

namespace vkflow::models {
namespace {

Tensor fixture_z(Device& dev) { return ops::scale(test::flux_tensor(dev, "ae_latent"), 1.0f / 0.3611f, 0.1159f); }

TEST(FluxAe, ConfigFromWeights) {
  const auto m = formats::ModelFile::open(test::flux_ae_path());
  EXPECT_EQ(m.detection().arch, formats::arch::kFluxAe);
  AutoencoderKL ae(m, *test::test_devices().front(), AutoencoderKL::prefix_in(m));
  const VaeConfig& c = ae.config();
  EXPECT_EQ(c.latent_channels, 16);
  EXPECT_EQ(c.image_channels, 3);
  EXPECT_EQ(c.downscale, 8);
  EXPECT_FALSE(c.quant_conv);
  EXPECT_FALSE(c.post_quant_conv);
  EXPECT_TRUE(ae.has_encoder());
}

TEST(FluxAe, DecodeMatchesDiffusersOnEveryDevice) {
  const auto m = formats::ModelFile::open(test::flux_ae_path());
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    AutoencoderKL ae(m, *dev, AutoencoderKL::prefix_in(m), VaeParts::Decoder);
    test::expect_flux_matches(ae.decode(fixture_z(*dev)), "ae_decoded", test::kFluxAeTol);
  }
}

TEST(FluxAe, TiledDecodeIsCloseToTheFullDecode) {
  // 16x16 latent in 12x12 tiles overlapping by 8: four tiles, every pixel blended. The tiling
  // and blending run on the host; each tile is a plain decode (checked above on every device),
  // so the first device suffices (llvmpipe takes minutes for the four tiles).
  const auto m = formats::ModelFile::open(test::flux_ae_path());
  {
    Device* dev = test::test_devices().front();
    AutoencoderKL ae(m, *dev, AutoencoderKL::prefix_in(m), VaeParts::Decoder);
    const Tensor img = decode_tiled(ae, fixture_z(*dev), {.tile = 12, .overlap = 8});
    ASSERT_EQ(to_string(img.shape()), "[1, 3, 128, 128]");
    const std::vector<float> got = img.to_f32(), want = test::flux_f32("ae_decoded");
    // Tiles see less context (conv halos, the mid-block attention over one tile): close to,
    // not equal to, the full decode. Mean error small, no pixel far off.
    double sum = 0;
    for (size_t i = 0; i < got.size(); ++i) sum += std::fabs(got[i] - want[i]);
    EXPECT_LE(sum / static_cast<double>(got.size()), 0.05 * test::max_abs(want));
    EXPECT_LE(test::max_abs_diff(got, want), 0.5f * test::max_abs(want));
  }
}

}  // namespace
}  // namespace vkflow::models
