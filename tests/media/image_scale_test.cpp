#include <gtest/gtest.h>

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/media/image_scale.hpp"

using namespace vkflow;
using namespace vkflow::media;

namespace {
Image row(std::vector<float> v) {
  Image im(1, 1, int(v.size()), 1);
  im.data = std::move(v);
  return im;
}
}  // namespace

TEST(ImageScale, NearestExactDuplicates) {
  Image out = scale_image(row({0.1f, 0.9f}), 4, 1, ScaleMethod::NearestExact);
  EXPECT_EQ(out.data, (std::vector<float>{0.1f, 0.1f, 0.9f, 0.9f}));
}

TEST(ImageScale, BilinearMatchesTorchHalfPixelCentres) {
  // torch.nn.functional.interpolate([0, 1], size=4, mode="linear", align_corners=False)
  Image out = scale_image(row({0.0f, 1.0f}), 4, 1, ScaleMethod::Bilinear);
  std::vector<float> expect = {0.0f, 0.25f, 0.75f, 1.0f};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(out.data[i], expect[i], 1e-6);
}

TEST(ImageScale, BicubicMatchesTorch) {
  // torch interpolate([0, 0, 1, 1], size=8, mode="bicubic" (A=-0.75), align_corners=False), row 1 of 1
  Image out = scale_image(row({0, 0, 1, 1}), 8, 1, ScaleMethod::Bicubic);
  // Symmetry and monotone rise around the step; ends are flat.
  EXPECT_NEAR(out.data[0], 0.0f, 1e-6);
  EXPECT_NEAR(out.data[7], 1.0f, 1e-6);
  EXPECT_NEAR(out.data[3] + out.data[4], 1.0f, 1e-6);
  EXPECT_LT(out.data[3], out.data[4]);
  // s = 1.25 between 0 (idx 1) and 1 (idx 2): w(-1.25)*0 + w(-0.25)*0 + w(0.75)*1 + w(1.75)*1
  auto w = [](double x) {
    x = std::fabs(x);
    double A = -0.75;
    return x <= 1 ? ((A + 2) * x - (A + 3)) * x * x + 1 : ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  };
  EXPECT_NEAR(out.data[3], w(0.75) + w(1.75), 1e-6);
}

TEST(ImageScale, AreaAverages) {
  Image out = scale_image(row({0.0f, 1.0f, 0.5f, 0.5f}), 2, 1, ScaleMethod::Area);
  EXPECT_FLOAT_EQ(out.data[0], 0.5f);
  EXPECT_FLOAT_EQ(out.data[1], 0.5f);
}

TEST(ImageScale, ConstantImagesStayConstant) {
  Image im(2, 7, 9, 3, 0.3f);
  for (auto m : {ScaleMethod::NearestExact, ScaleMethod::Bilinear, ScaleMethod::Bicubic, ScaleMethod::Area,
                 ScaleMethod::Lanczos}) {
    for (auto [w, h] : {std::pair{4, 3}, std::pair{20, 13}}) {
      Image out = scale_image(im, w, h, m);
      ASSERT_EQ(out.batch, 2);
      ASSERT_EQ(out.width, w);
      ASSERT_EQ(out.height, h);
      for (float v : out.data) ASSERT_NEAR(v, 0.3f, 1e-5);
    }
  }
}

TEST(ImageScale, CenterCropKeepsTheMiddle) {
  Image im(1, 4, 8, 1);
  for (int x = 0; x < 8; ++x)
    for (int y = 0; y < 4; ++y) im.at(0, y, x, 0) = float(x);
  Image c = center_crop_to_aspect(im, 10, 10);  // square target: crop 8x4 -> 4x4 at x = 2
  ASSERT_EQ(c.width, 4);
  ASSERT_EQ(c.height, 4);
  EXPECT_FLOAT_EQ(c.at(0, 0, 0, 0), 2.0f);
  EXPECT_FLOAT_EQ(c.at(0, 3, 3, 0), 5.0f);
}

TEST(ImageScale, RejectsBadInput) {
  EXPECT_THROW(parse_scale_method("cubic"), Error);
  EXPECT_THROW(scale_image(row({1}), 0, 1, ScaleMethod::Area), Error);
}
