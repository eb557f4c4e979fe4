#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "runtime/core/convert.hpp"
#include "runtime/cpu/vec.hpp"

using namespace vkflow;

// The AVX2 primitives (when this CPU has them) agree with plain float64 math.
TEST(CpuVec, Avx2ExpWithinTwoUlp) {
  if (!cpu::use_avx2()) GTEST_SKIP() << "no AVX2/FMA/F16C on this CPU";
  std::vector<float> x;
  for (float v = -87.0f; v < 88.5f; v += 0.0137f) x.push_back(v);
  std::vector<float> y = x;
  cpu::avx2::exp_inplace(y.data(), static_cast<int64_t>(y.size()));
  for (size_t i = 0; i < x.size(); ++i) {
    double want = std::exp(double(x[i]));
    ASSERT_NEAR(y[i], want, want * 2.5e-7) << "exp(" << x[i] << ")";
  }
  float edge[8] = {-INFINITY, -1000.0f, 1000.0f, 0.0f, -88.0f, 89.0f, 1.0f, -1.0f};
  cpu::avx2::exp_inplace(edge, 8);
  EXPECT_EQ(edge[0], 0.0f);
  EXPECT_EQ(edge[1], 0.0f);
  EXPECT_TRUE(std::isinf(edge[2]));
  EXPECT_EQ(edge[3], 1.0f);
  EXPECT_TRUE(std::isinf(edge[5]));
}

TEST(CpuVec, Avx2DotAxpyAndHalfConversion) {
  if (!cpu::use_avx2()) GTEST_SKIP() << "no AVX2/FMA/F16C on this CPU";
  const int n = 77;
  std::vector<float> a(n), b(n), y(n, 1.0f);
  std::vector<uint16_t> h(n), bh(n);
  double ref = 0;
  for (int i = 0; i < n; ++i) {
    a[i] = std::sin(i * 0.3f);
    b[i] = std::cos(i * 0.7f);
    ref += double(a[i]) * b[i];
    h[i] = f32_to_f16(a[i]);
    bh[i] = f32_to_bf16(b[i]);
  }
  EXPECT_NEAR(cpu::avx2::dot(a.data(), b.data(), n), ref, 1e-5);
  cpu::avx2::axpy(y.data(), 2.0f, a.data(), n);
  for (int i = 0; i < n; ++i) EXPECT_FLOAT_EQ(y[i], 1.0f + 2.0f * a[i]);
  std::vector<float> hf(n), bf(n);
  cpu::avx2::f16_to_f32(h.data(), hf.data(), n);
  cpu::avx2::bf16_to_f32(bh.data(), bf.data(), n);
  for (int i = 0; i < n; ++i) {
    EXPECT_EQ(hf[i], f16_to_f32(h[i]));
    EXPECT_EQ(bf[i], bf16_to_f32(bh[i]));
  }
}
