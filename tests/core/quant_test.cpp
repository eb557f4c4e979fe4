#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"
#include "runtime/core/quant.hpp"
#include "runtime/core/tensor.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;

namespace {
std::vector<uint8_t> read_raw(const std::string& type) {
  auto p = test::data_dir() / "gguf_quants" / "raw" / (type + ".bin");
  std::ifstream f(p, std::ios::binary);
  EXPECT_TRUE(f.good()) << p;
  return {std::istreambuf_iterator<char>(f), {}};
}

class GgufDequant : public ::testing::TestWithParam<const char*> {};

// ggml's dequantization of the fixture blocks must be reproduced bit for bit.
TEST_P(GgufDequant, BitExactAgainstGgml) {
  std::string type = GetParam();
  DType t = *parse_dtype(type);
  auto st = formats::SafetensorsFile::open(test::data_dir() / "gguf_quants" / "io.safetensors");
  std::vector<float> expected = st.read_f32("dequant_" + type);
  ASSERT_EQ(expected.size(), 4u * 512u);
  std::vector<uint8_t> raw = read_raw(type);
  ASSERT_EQ(raw.size(), dtype_bytes(t, 4 * 512));
  auto raw_st = st.bytes(st.at("raw_" + type));
  ASSERT_TRUE(std::equal(raw.begin(), raw.end(), raw_st.begin(), raw_st.end()));

  std::vector<float> got(expected.size());
  convert_to_f32(t, raw.data(), got.data(), static_cast<int64_t>(got.size()));
  for (size_t i = 0; i < got.size(); ++i) {
    uint32_t a, b;
    std::memcpy(&a, &got[i], 4);
    std::memcpy(&b, &expected[i], 4);
    ASSERT_EQ(a, b) << type << " element " << i << ": " << got[i] << " vs " << expected[i];
  }
  // The same through a device tensor (Tensor::to_f32 dequantizes).
  Tensor q = Tensor::from_host(cpu::device(), t, {4, 512}, raw.data());
  EXPECT_EQ(q.to_f32(), got);
}

INSTANTIATE_TEST_SUITE_P(AllTypes, GgufDequant,
                         ::testing::Values("F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K",
                                           "Q3_K", "Q4_K", "Q5_K", "Q6_K"));
}  // namespace

TEST(Quant, BlockCountMustDivide) {
  std::vector<uint8_t> raw(34, 0);
  std::vector<float> out(40);
  EXPECT_THROW(dequantize_blocks(DType::Q8_0, raw.data(), out.data(), 40), Error);
  EXPECT_THROW(dequantize_blocks(DType::F32, raw.data(), out.data(), 32), Unsupported);
}

TEST(Quant, Float8) {
  EXPECT_EQ(f8_e4m3_to_f32(0x38), 1.0f);         // exp 7, man 0
  EXPECT_EQ(f8_e4m3_to_f32(0x7e), 448.0f);       // largest finite
  EXPECT_EQ(f8_e4m3_to_f32(0x01), std::ldexp(1.0f, -9));  // smallest subnormal
  EXPECT_EQ(f8_e4m3_to_f32(0xb8), -1.0f);
  EXPECT_TRUE(std::isnan(f8_e4m3_to_f32(0x7f)));
  EXPECT_EQ(f8_e5m2_to_f32(0x3c), 1.0f);
  EXPECT_EQ(f8_e5m2_to_f32(0x7b), 57344.0f);
  EXPECT_TRUE(std::isinf(f8_e5m2_to_f32(0x7c)));
  EXPECT_EQ(f8_e5m2_to_f32(0x01), std::ldexp(1.0f, -16));
}
