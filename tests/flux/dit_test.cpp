// FLUX transformer against diffusers' FluxTransformer2DModel in the flux_tiny fixture: the BFL
// bf16 safetensors and both GGUF styles (city96 Q8_0/Q4_0, stable-diffusion.cpp q8_0/bf16),
// each against the forward computed from its own dequantized weights, on every test device.
#include <gtest/gtest.h>

#include "runtime/models/flux/flux_latent.hpp"
#include "runtime/models/flux/flux_model.hpp"
#include "runtime/ops/layout.hpp"
#include "tests/flux/fixture.hpp"

namespace vkflow::models {
namespace {

FluxInputs fixture_inputs(Device& dev) {
  FluxInputs in;
  in.img = test::flux_tensor(dev, "tr_hidden_states");
  in.txt = test::flux_tensor(dev, "tr_encoder_hidden_states");
  in.pooled = test::flux_tensor(dev, "tr_pooled");
  in.timesteps = test::flux_tensor(dev, "tr_timestep");
  in.img_ids = test::flux_f32("tr_img_ids");
  in.txt_ids = test::flux_f32("tr_txt_ids");
  return in;
}

TEST(FluxDit, ConfigFromWeights) {
  const auto m = formats::ModelFile::open(test::flux_dit_path("flux_tiny_bf16.safetensors"));
  FluxModel dit(m, *test::test_devices().front());
  const FluxConfig& c = dit.config();
  EXPECT_EQ(c.in_channels, 64);
  EXPECT_EQ(c.out_channels, 64);
  EXPECT_EQ(c.hidden, 32);
  EXPECT_EQ(c.heads, 2);
  EXPECT_EQ(c.head_dim, 16);
  EXPECT_EQ(c.mlp_hidden, 128);
  EXPECT_EQ(c.context_dim, 16);
  EXPECT_EQ(c.vec_dim, 16);
  EXPECT_EQ(c.depth, 1);
  EXPECT_EQ(c.depth_single, 2);
  EXPECT_FALSE(c.guidance_embed);
  EXPECT_EQ(c.axes_dim, (std::vector<int>{4, 6, 6}));
  EXPECT_EQ(dit.latent_channels(), 16);
  EXPECT_EQ(dit.weight_bytes(), FluxModel::estimate_weight_bytes(m, *test::test_devices().front()));
}

TEST(FluxDit, ForwardMatchesDiffusersOnEveryDevice) {
  struct Case {
    const char* file;
    const char* expected;
  };
  const Case cases[] = {{"flux_tiny_bf16.safetensors", "tr_out"},
                        {"flux_tiny-Q8_0-Q4_0.gguf", "tr_out_gguf_city96"},
                        {"flux_tiny-sdcpp-q8_0.gguf", "tr_out_gguf_sdcpp"}};
  for (const Case& k : cases) {
    const auto m = formats::ModelFile::open(test::flux_dit_path(k.file));
    for (Device* dev : test::test_devices()) {
      SCOPED_TRACE(std::string(k.file) + " on " + dev->name());
      FluxModel dit(m, *dev);
      test::expect_flux_matches(dit.forward(fixture_inputs(*dev)), k.expected, test::kFluxTrTol);
    }
  }
}

TEST(FluxDit, LatentInterfacePacksLikeDiffusers) {
  Device& dev = *test::test_devices().front();
  const auto m = formats::ModelFile::open(test::flux_dit_path("flux_tiny_bf16.safetensors"));
  FluxModel dit(m, dev);
  const FluxInputs in = fixture_inputs(dev);
  EXPECT_EQ(flux::image_ids(16, 16), in.img_ids);
  const Tensor x = flux::unpack_latent(in.img, 16, 16);
  EXPECT_EQ(flux::pack_latent(x).to_f32(), in.img.to_f32());
  // A batch of two with a [1] timestep equals the single forward twice.
  const Tensor x2 = ops::concat({x, x}, 0);
  const Tensor v = dit.forward_latent(x2, in.timesteps, ops::concat({in.txt, in.txt}, 0),
                                      ops::concat({in.pooled, in.pooled}, 0));
  ASSERT_EQ(to_string(v.shape()), "[2, 16, 16, 16]");
  test::expect_flux_matches(flux::pack_latent(v.slice0(0, 1)), "tr_out", test::kFluxTrTol);
  test::expect_flux_matches(flux::pack_latent(v.slice0(1, 2)), "tr_out", test::kFluxTrTol);
}

TEST(FluxDit, RejectsBadInputs) {
  Device& dev = *test::test_devices().front();
  const auto m = formats::ModelFile::open(test::flux_dit_path("flux_tiny_bf16.safetensors"));
  FluxModel dit(m, dev);
  FluxInputs in = fixture_inputs(dev);
  in.img_ids.pop_back();
  EXPECT_THROW(dit.forward(in), Error);
  in = fixture_inputs(dev);
  in.pooled = Tensor{};
  EXPECT_THROW(dit.forward(in), Error);
  in = fixture_inputs(dev);
  in.txt = in.txt.view({1, 16, 256});
  EXPECT_THROW(dit.forward(in), Error);
  const Tensor odd = Tensor::from_f32(dev, {1, 16, 15, 16}, std::vector<float>(16 * 15 * 16, 0.f));
  EXPECT_THROW(dit.forward_latent(odd, in.timesteps, in.txt, in.pooled), Error);
  EXPECT_THROW(FluxModel(m, dev, {}, {.axes_dim = std::vector<int>{4, 4, 6}}), FormatError);
  const auto ae = formats::ModelFile::open(test::flux_ae_path());
  EXPECT_THROW(FluxModel(ae, dev), FormatError);  // not a transformer
}

}  // namespace
}  // namespace vkflow::models
