// SD1.5-structured UNet against diffusers' UNet2DConditionModel in the sd15_tiny fixture (whole
// and fractional timesteps), on every test device.
#include <gtest/gtest.h>

#include "runtime/models/unet/unet.hpp"
#include "runtime/ops/layout.hpp"
#include "tests/sd15/fixture.hpp"

namespace vkflow::models {
namespace {

constexpr float kTol = 1e-4f;  // case.json tolerances.unet_out

TEST(UNet, StructureFromWeights) {
  UNetModel unet(test::sd15_model(), *test::test_devices().front());
  const UNetConfig& c = unet.config();
  EXPECT_EQ(c.in_channels, 4);
  EXPECT_EQ(c.out_channels, 4);
  EXPECT_EQ(c.model_channels, 32);
  EXPECT_EQ(c.time_embed_dim, 128);
  EXPECT_EQ(c.context_dim, 16);
  EXPECT_EQ(c.num_heads, 4);  // the file's vkflow.unet.num_heads metadata
  ASSERT_EQ(c.input.size(), 12u);
  ASSERT_EQ(c.output.size(), 12u);
  using K = UNetPart::Kind;
  EXPECT_EQ(c.input[1].parts.size(), 2u);  // ResBlock + SpatialTransformer
  EXPECT_EQ(c.input[1].parts[1].kind, K::Attn);
  EXPECT_EQ(c.input[3].parts.at(0).kind, K::Down);
  EXPECT_EQ(c.input[11].parts.size(), 1u);  // DownBlock2D: no attention
  ASSERT_EQ(c.middle.at(0).parts.size(), 3u);
  EXPECT_EQ(c.middle[0].parts[2].kind, K::Res);
  EXPECT_EQ(c.output[2].parts.back().kind, K::Up);   // UpBlock2D ends with an Upsample
  EXPECT_EQ(c.output[5].parts.back().kind, K::Up);   // CrossAttnUp: res, attn, upsample
  EXPECT_EQ(c.output[11].parts.back().kind, K::Attn);
}

TEST(UNet, MatchesDiffusersOnEveryDevice) {
  for (Device* dev : test::test_devices()) {
    SCOPED_TRACE(dev->name());
    UNetModel unet(test::sd15_model(), *dev, "model.diffusion_model.", {.num_heads = 4});
    const Tensor x = test::io_tensor(*dev, "unet_x"), ctx = test::io_tensor(*dev, "unet_context");
    test::expect_matches(unet.forward(x, test::io_tensor(*dev, "unet_t0"), ctx), "unet_out0", kTol);
    test::expect_matches(unet.forward(x, test::io_tensor(*dev, "unet_t1"), ctx), "unet_out1", kTol);

    // A batch of two (the CFG layout) equals the two single forwards.
    const Tensor x2 = ops::concat({x, x}, 0), ctx2 = ops::concat({ctx, ctx}, 0);
    const Tensor t2 = ops::concat({test::io_tensor(*dev, "unet_t0"), test::io_tensor(*dev, "unet_t1")}, 0);
    const Tensor out2 = unet.forward(x2, t2, ctx2);
    test::expect_matches(out2.slice0(0, 1), "unet_out0", kTol);
    test::expect_matches(out2.slice0(1, 2), "unet_out1", kTol);
  }
}

TEST(UNet, OddLatentSizesRun) {
  // 13x11 latents: the upsamples follow the skips' sizes (LDM's plain x2 could not concatenate).
  Device& dev = *test::test_devices().front();
  UNetModel unet(test::sd15_model(), dev);
  const Tensor x = Tensor::from_f32(dev, {1, 4, 13, 11}, std::vector<float>(4 * 13 * 11, 0.5f));
  const Tensor t = Tensor::from_f32(dev, {1}, {500.0f});
  const Tensor out = unet.forward(x, t, test::io_tensor(dev, "unet_context"));
  EXPECT_EQ(to_string(out.shape()), "[1, 4, 13, 11]");
}

TEST(UNet, RejectsBadShapes) {
  Device& dev = *test::test_devices().front();
  UNetModel unet(test::sd15_model(), dev);
  const Tensor x = test::io_tensor(dev, "unet_x"), ctx = test::io_tensor(dev, "unet_context");
  const Tensor t = test::io_tensor(dev, "unet_t0");
  EXPECT_THROW(unet.forward(x.view({1, 4, 256}), t, ctx), Error);
  EXPECT_THROW(unet.forward(x, t, ctx.view({1, 16, 77})), Error);
  EXPECT_THROW(unet.forward(x, Tensor::from_f32(dev, {2}, {1.f, 2.f}), ctx), Error);
  EXPECT_THROW(UNetModel(test::sd15_model(), dev, "first_stage_model."), FormatError);  // not a UNet
}

}  // namespace
}  // namespace vkflow::models
