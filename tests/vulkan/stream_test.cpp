// Command recording: submission splitting, barriers between dependent work, staging.
#include <numeric>
#include <random>
#include <vector>

#include "tests/common/paths.hpp"
#include "tests/vulkan/vk_test_util.hpp"

namespace vkflow {
namespace {

TEST(VulkanStream, LongWorkIsSplitIntoSeveralSubmissions) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o;
  o.submit.max_dispatches = 4;
  vulkan::VulkanDevice dev(o);
  Tensor t = Tensor::empty(dev, DType::F32, {1000});
  uint64_t before = dev.stream().submissions();
  for (int i = 0; i < 10; ++i) test::vk_fill(dev, t, static_cast<float>(i));
  EXPECT_EQ(dev.stream().submissions() - before, 2u);  // 4 + 4 submitted, 2 still recording
  dev.synchronize();
  EXPECT_EQ(dev.stream().submissions() - before, 3u);
  // Dependent writes across submissions land in order: the last fill wins.
  for (float v : t.to_f32()) ASSERT_EQ(v, 9.0f);
}

TEST(VulkanStream, WorkEstimateAlsoSplits) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o;
  o.submit.max_work = 100;
  vulkan::VulkanDevice dev(o);
  Tensor t = Tensor::empty(dev, DType::F32, {64});
  uint64_t before = dev.stream().submissions();
  struct { uint32_t n; float v; } p{64, 2.0f};
  const auto& pipe = dev.pipeline("fill", 1, sizeof(p), {64});
  dev.dispatch(pipe, {vulkan::out(t)}, p, 1, 1, 1, 60.0);
  EXPECT_EQ(dev.stream().submissions(), before);
  dev.dispatch(pipe, {vulkan::out(t)}, p, 1, 1, 1, 60.0);
  EXPECT_EQ(dev.stream().submissions(), before + 1);
}

TEST(VulkanStream, CopiesAfterDispatchesSeeTheirResults) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice dev;
  Tensor a = Tensor::empty(dev, DType::F32, {4096});
  Tensor b = Tensor::empty(dev, DType::F32, {4096});
  test::vk_fill(dev, a, 3.5f);
  dev.copy_bytes(a, 0, b, 0, a.nbytes());
  test::vk_fill(dev, a, -1.0f);  // write-after-read: must not leak into b
  for (float v : b.to_f32()) ASSERT_EQ(v, 3.5f);
  for (float v : a.to_f32()) ASSERT_EQ(v, -1.0f);
}

TEST(VulkanStream, ChunkedStagingRoundTrips) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o;
  o.force_staging = true;
  o.staging_chunk = 64 << 10;
  vulkan::VulkanDevice dev(o);
  std::vector<float> data(300000);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-1, 1);
  for (float& v : data) v = u(rng);
  Tensor t = Tensor::from_f32(dev, {300000}, data);
  EXPECT_EQ(t.to_f32(), data);
  EXPECT_GE(dev.staging().chunks_copied(), 2u * (data.size() * 4 / (64 << 10)));
  // Unaligned sub-range reads and writes.
  std::vector<float> part(1001);
  t.buffer().device().download(t.buffer(), 4 * 12345, part.data(), part.size() * 4);
  for (size_t i = 0; i < part.size(); ++i) ASSERT_EQ(part[i], data[12345 + i]);
}

}  // namespace
}  // namespace vkflow
