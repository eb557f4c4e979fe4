#include <gtest/gtest.h>

#include "runtime/core/convert.hpp"
#include "runtime/core/dtype.hpp"

using namespace vkflow;

TEST(DType, BlockSizes) {
  EXPECT_EQ(dtype_bytes(DType::F32, 10), 40u);
  EXPECT_EQ(dtype_bytes(DType::Q8_0, 64), 68u);
  EXPECT_EQ(dtype_bytes(DType::Q4_K, 512), 288u);
  EXPECT_EQ(parse_dtype("Q4_K"), DType::Q4_K);
  EXPECT_FALSE(parse_dtype("q9_z").has_value());
}

TEST(DType, HalfRoundTrip) {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f, 0.333333f}) {
    float back = f16_to_f32(f32_to_f16(f));
    EXPECT_NEAR(back, f, std::abs(f) * 1e-3f + 1e-7f) << f;
  }
  EXPECT_EQ(f32_to_f16(1.0f), 0x3c00);
  EXPECT_EQ(bf16_to_f32(f32_to_bf16(3.0f)), 3.0f);
}
