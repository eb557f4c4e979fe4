// AutoencoderKL decode against diffusers in the sd15_tiny fixture; encoder shapes and the
// posterior sample rule; on every test device.
#include <gtest/gtest.h>

#include "runtime/models/vae/autoencoder_kl.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/unary.hpp"
#include "tests/sd15/fixture.hpp"

namespace vkflow::models {
namespace {

constexpr float kTol = 5e-4f;  // case.json tolerances.vae_decoded

// vae_latent / 0.18215, as the fixture decoded it.
Tensor fixture_z(Device& dev) { return ops::scale(test::io_tensor(dev, "vae_latent"), 1.0f / 0.18215f); }

TEST(Vae, ConfigFromWeights) {
  const auto& m = test::sd15_model();
  AutoencoderKL vae(m, *test::test_devices().front(), AutoencoderKL::prefix_in(m));
  const VaeConfig& c = vae.config();
  EXPECT_EQ(c.latent_channels, 4);
  EXPECT_EQ(c.image_channels, 3);
  EXPECT_EQ(c.dec_levels, 4);
  EXPECT_EQ(c.dec_blocks, 3);
  EXPECT_EQ(c.enc_levels, 4);
  EXPECT_EQ(c.enc_blocks, 2);
  EXPECT_EQ(c.downscale, 8);
  EXPECT_TRUE(c.quant_conv);
  EXPECT_TRUE(c.post_quant_conv);
}

TEST(Vae, DecodeMatchesDiffusersOnEveryDevice) {
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    AutoencoderKL vae(test::sd15_model(), *dev, "first_stage_model.", VaeParts::Decoder);
    EXPECT_FALSE(vae.has_encoder());
    test::expect_matches(vae.decode(fixture_z(*dev)), "vae_decoded", kTol);
  }
}

TEST(Vae, DecoderOnlyLoadsFewerBytes) {
  const auto& m = test::sd15_model();
  Device& dev = *test::test_devices().front();
  AutoencoderKL both(m, dev), dec(m, dev, "first_stage_model.", VaeParts::Decoder);
  EXPECT_LT(dec.weight_bytes(), both.weight_bytes());
  EXPECT_EQ(dec.weight_bytes(), AutoencoderKL::estimate_weight_bytes(m, dev, "first_stage_model.", VaeParts::Decoder));
  EXPECT_THROW(dec.encode_mean(Tensor::from_f32(dev, {1, 3, 16, 16}, std::vector<float>(768, 0.f))), Error);
}

TEST(Vae, EncodeShapesPosteriorSampleAndDeviceParity) {
  std::vector<float> first;  // the first device's moments: every device must agree
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    AutoencoderKL vae(test::sd15_model(), *dev, "first_stage_model.", VaeParts::Encoder);
    // A 64x64 corner of the fixture image, in [-1, 1] (small: three encodes per device).
    const Tensor img = ops::slice(ops::slice(ops::clamp(test::io_tensor(*dev, "vae_decoded"), -1.f, 1.f), 2, 0, 64), 3, 0, 64);
    const Tensor moments = vae.encode_moments(img);
    EXPECT_EQ(to_string(moments.shape()), "[1, 8, 8, 8]");
    const std::vector<float> m = moments.to_f32(), mean = vae.encode_mean(img).to_f32();
    ASSERT_EQ(mean.size(), m.size() / 2);
    if (first.empty()) first = m;
    else EXPECT_LE(test::max_abs_diff(m, first), test::model_tol(*dev, 1e-4f * (1 + test::max_abs(first)), test::max_abs(first)));
    EXPECT_EQ(mean, std::vector<float>(m.begin(), m.begin() + mean.size()));
    // sample = mean + exp(clamp(logvar, -30, 20) / 2) * noise.
    std::vector<float> noise(mean.size());
    for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<float>(int(i % 7) - 3) * 0.5f;
    const std::vector<float> s =
        vae.encode_sample(img, Tensor::from_f32(*dev, {1, 4, 8, 8}, noise)).to_f32();
    for (size_t i = 0; i < s.size(); ++i) {
      const float logvar = std::clamp(m[mean.size() + i], -30.f, 20.f);
      ASSERT_NEAR(s[i], mean[i] + std::exp(0.5f * logvar) * noise[i], 1e-5f * (1 + std::fabs(s[i]))) << i;
    }
    EXPECT_THROW(vae.encode_sample(img, Tensor::from_f32(*dev, {1, 4, 4, 4}, std::vector<float>(64))), Error);
  }
}

TEST(Vae, WrongPrefixIsAFormatError) {
  const auto& m = test::sd15_model();
  EXPECT_EQ(AutoencoderKL::prefix_in(m), "first_stage_model.");
  EXPECT_THROW(AutoencoderKL(m, *test::test_devices().front(), ""), FormatError);  // no decoder.* at the top
}

}  // namespace
}  // namespace vkflow::models
