// Tensors above maxStorageBufferRange (128 MiB on llvmpipe) are processed in windows:
// elementwise ops and matmul weights. Skipped where the limit is too large to reach cheaply.
#include <cmath>
#include <vector>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/unary.hpp"
#include "tests/vulkan/vk_test_util.hpp"

namespace vkflow {
namespace {

uint64_t window_limit(vulkan::VulkanDevice& dev) { return dev.max_binding(); }

TEST(VulkanWindows, ElementwiseAboveTheBindingLimit) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice& dev = vulkan::device();
  if (window_limit(dev) > (512ull << 20)) GTEST_SKIP() << "maxStorageBufferRange above 512 MiB";
  int64_t n = static_cast<int64_t>(window_limit(dev) / 4) + 4099;  // just past one window
  std::vector<float> a(n), b(n);
  for (int64_t i = 0; i < n; ++i) a[i] = static_cast<float>(i % 1000) * 0.01f, b[i] = static_cast<float>(i % 7);
  Tensor ta = Tensor::from_f32(dev, {n}, a), tb = Tensor::from_f32(dev, {n}, b);
  std::vector<float> sum = ops::add(ta, tb).to_f32();
  std::vector<float> sc = ops::scale(ta, 2.0f, 1.0f).to_f32();
  for (int64_t i = 0; i < n; i += 997) {
    ASSERT_EQ(sum[i], a[i] + b[i]) << i;
    ASSERT_EQ(sc[i], a[i] * 2.0f + 1.0f) << i;
  }
  ASSERT_EQ(sum[n - 1], a[n - 1] + b[n - 1]);
  ASSERT_EQ(sc[n - 1], a[n - 1] * 2.0f + 1.0f);
}

TEST(VulkanWindows, LinearWeightAboveTheBindingLimit) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o;
  o.path = vulkan::Path::Fp32;  // exact fp32 GEMM: checks the windowing, not fp16 rounding
  vulkan::VulkanDevice dev(o);
  if (window_limit(dev) > (512ull << 20)) GTEST_SKIP() << "maxStorageBufferRange above 512 MiB";
  const int64_t K = 1024, N = static_cast<int64_t>(window_limit(dev) / (K * 4)) + 37, M = 3;
  std::vector<float> x(M * K), w(N * K), bias(N);
  for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.1f * float(i));
  for (size_t i = 0; i < w.size(); ++i) w[i] = std::cos(0.37f * float(i % 10007));
  for (size_t i = 0; i < bias.size(); ++i) bias[i] = 0.5f - float(i % 3);
  Tensor y = ops::linear(Tensor::from_f32(dev, {M, K}, x), Tensor::from_f32(dev, {N, K}, w), Tensor::from_f32(dev, {N}, bias));
  std::vector<float> got = y.to_f32();
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n : {int64_t(0), int64_t(1), N / 2, N - 38, N - 37, N - 1}) {
      double ref = bias[n];
      for (int64_t k = 0; k < K; ++k) ref += double(x[m * K + k]) * w[n * K + k];
      ASSERT_NEAR(got[m * N + n], ref, 1e-3 * (1 + std::abs(ref))) << m << "," << n;
    }
}

}  // namespace
}  // namespace vkflow
