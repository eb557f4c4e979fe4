// Block suballocation, dedicated allocations, coalescing, accounting, out-of-memory, and
// reuse of a range freed while the GPU may still use it.
#include <vector>

#include "runtime/core/error.hpp"
#include "runtime/ops/binary.hpp"
#include "tests/vulkan/vk_test_util.hpp"

namespace vkflow {
namespace {

vulkan::Options small_blocks() {
  vulkan::Options o;
  o.block_size = 4ull << 20;
  return o;
}

TEST(VulkanAllocator, SuballocatesManyTensorsFromOneBlock) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice dev(small_blocks());
  auto& a = dev.allocator();
  EXPECT_EQ(a.block_size(), 4ull << 20);
  std::vector<std::shared_ptr<Buffer>> bufs;
  for (int i = 0; i < 10; ++i) bufs.push_back(dev.allocate(100000));
  EXPECT_EQ(a.block_count(), 1u);
  uint64_t each = (100000 + a.alignment() - 1) / a.alignment() * a.alignment();
  EXPECT_EQ(dev.memory().in_use, 10 * each);
  EXPECT_EQ(a.reserved(), 4ull << 20);
  bufs.clear();
  EXPECT_EQ(dev.memory().in_use, 0u);
  EXPECT_EQ(dev.memory().peak, 10 * each);
  dev.reset_peak();
  EXPECT_EQ(dev.memory().peak, 0u);
}

TEST(VulkanAllocator, LargeRequestsGetTheirOwnAllocation) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice dev(small_blocks());
  auto small = dev.allocate(1000);
  auto big = dev.allocate(3ull << 20);  // above half a block
  EXPECT_EQ(dev.allocator().block_count(), 2u);
  EXPECT_GE(dev.allocator().reserved(), (4ull << 20) + (3ull << 20));
  uint64_t reserved = dev.allocator().reserved();
  big.reset();  // kept as a spare for the next request of about that size
  EXPECT_EQ(dev.allocator().block_count(), 2u);
  EXPECT_EQ(dev.memory().in_use, 1024u);
  auto again = dev.allocate((3ull << 20) - 4096);
  EXPECT_EQ(dev.allocator().reserved(), reserved);  // reused, no new device memory
  again.reset();
  dev.allocator().trim();  // spares and empty blocks go back to the driver
  EXPECT_EQ(dev.allocator().block_count(), 1u);
  EXPECT_EQ(dev.allocator().reserved(), 4ull << 20);
}

TEST(VulkanAllocator, DedicatedTemporariesStopCountingWhenDropped) {
  // A chain of ops on tensors above half a block: each drops its input while the GPU has not
  // run it yet. The dropped allocation goes back at once (a busy spare the next op reuses in
  // GPU order), so the high-water is what is live — two tensors — not the whole chain; and
  // the reuse must not corrupt the values.
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice dev(small_blocks());
  const int64_t n = 3 << 18;  // 3 MiB of f32: dedicated with 4 MiB blocks
  Tensor x = Tensor::from_f32(dev, {n}, std::vector<float>(static_cast<size_t>(n), 1.0f));
  const uint64_t one = dev.memory().in_use;
  dev.reset_peak();
  for (int i = 0; i < 8; ++i) x = ops::add(x, x);
  EXPECT_LE(dev.memory().peak, 2 * one);
  EXPECT_EQ(dev.memory().in_use, one);
  const std::vector<float> v = x.to_f32();
  EXPECT_EQ(v.front(), 256.0f);
  EXPECT_EQ(v.back(), 256.0f);
  dev.synchronize();
  dev.allocator().trim();
  EXPECT_EQ(dev.allocator().reserved(), one);  // the busy spares went once the GPU was idle
}

TEST(VulkanAllocator, SparesAreReleasedBeforeRunningOutOfBudget) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o = small_blocks();
  o.budget = 12ull << 20;
  vulkan::VulkanDevice dev(o);
  dev.allocate(6ull << 20).reset();  // a 6 MiB spare stays reserved
  EXPECT_EQ(dev.allocator().reserved(), 6ull << 20);
  auto b = dev.allocate(8ull << 20);  // fits only once the spare is released
  EXPECT_EQ(dev.allocator().reserved(), 8ull << 20);
}

TEST(VulkanAllocator, NearTheBudgetASmallerBlockHoldsTheRequest) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o = small_blocks();
  o.budget = 6ull << 20;
  vulkan::VulkanDevice dev(o);
  auto x = dev.allocate(1900 << 10), y = dev.allocate(1900 << 10);  // one 4 MiB block
  auto z = dev.allocate(1500 << 10);  // a second 4 MiB block would pass the budget: 2 MiB instead
  EXPECT_EQ(dev.allocator().block_count(), 2u);
  EXPECT_EQ(dev.allocator().reserved(), 6ull << 20);
  EXPECT_THROW(dev.allocate(1 << 20), OutOfMemory);  // what is left of both blocks is too small
  EXPECT_LE(dev.memory().peak, 6ull << 20);
}

TEST(VulkanAllocator, FreedNeighboursCoalesce) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice dev(small_blocks());
  auto a = dev.allocate(1 << 20), b = dev.allocate(1 << 20), c = dev.allocate(1 << 20);
  auto d = dev.allocate(900 << 10);  // fills most of the rest of the 4 MiB block
  EXPECT_EQ(dev.allocator().block_count(), 1u);
  b.reset();
  a.reset();
  // Only a coalesced 2 MiB hole fits this without a second block.
  auto e = dev.allocate(2 << 20);
  EXPECT_EQ(dev.allocator().block_count(), 1u);
}

TEST(VulkanAllocator, BlocksAreCappedByTheDriverLimit) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o;
  o.block_size = 64ull << 30;
  vulkan::VulkanDevice dev(o);
  EXPECT_LE(dev.allocator().block_size(), 1ull << 30);
  EXPECT_LE(dev.allocator().block_size(), dev.info().max_allocation);
}

TEST(VulkanAllocator, OverBudgetIsOutOfMemoryAndRecoverable) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::Options o = small_blocks();
  o.budget = 8ull << 20;
  vulkan::VulkanDevice dev(o);
  EXPECT_EQ(dev.memory().budget, 8ull << 20);
  auto a = dev.allocate(3 << 20);  // dedicated
  EXPECT_THROW(dev.allocate(6ull << 20), OutOfMemory);
  try {
    dev.allocate(6ull << 20);
  } catch (const OutOfMemory& e) {
    EXPECT_EQ(e.requested, 6ull << 20);
    EXPECT_NE(std::string(e.what()).find("budget"), std::string::npos) << e.what();
  }
  // The device still works after the failure.
  auto b = dev.allocate(1 << 20);
  EXPECT_NE(b, nullptr);
  EXPECT_THROW(Tensor::empty(dev, DType::F32, {4096, 4096}), OutOfMemory);  // 64 MiB
}

TEST(VulkanAllocator, AbsurdSizeIsOutOfMemory) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice dev;
  EXPECT_THROW(dev.allocate(size_t{1} << 50), OutOfMemory);
  EXPECT_THROW(dev.allocate(~size_t{0} - 16), OutOfMemory);
  EXPECT_EQ(dev.memory().in_use, 0u);
}

TEST(VulkanAllocator, DriverRefusalIsOutOfMemory) {
  VKFLOW_REQUIRE_VULKAN();
  // A budget far above the heap lets the request reach vkAllocateMemory / the size limit.
  vulkan::Options o;
  o.budget = ~0ull;
  vulkan::VulkanDevice dev(o);
  uint64_t huge = dev.info().max_allocation + (1ull << 20);
  EXPECT_THROW(dev.allocate(huge), OutOfMemory);
}

TEST(VulkanAllocator, FreedWhileInUseIsReusedInGpuOrder) {
  VKFLOW_REQUIRE_VULKAN();
  vulkan::VulkanDevice dev(small_blocks());
  uint64_t first = 0;
  {
    Tensor t = Tensor::empty(dev, DType::F32, {1 << 16});
    first = dev.device_offset(t);
    test::vk_fill(dev, t, 1.0f);  // recorded, not yet submitted
  }
  // The tensor is gone while the recorded dispatch still writes it: its range is free at once
  // (peaks then count only what is live), and its block stays until the GPU is idle.
  EXPECT_EQ(dev.memory().in_use, 0u);
  Tensor u = Tensor::empty(dev, DType::F32, {1 << 16});
  EXPECT_EQ(dev.device_offset(u), first);  // the same range, reused
  test::vk_fill(dev, u, 2.0f);              // ordered after the first fill by the range barrier
  for (float v : u.to_f32()) ASSERT_EQ(v, 2.0f);
  u = Tensor();
  dev.synchronize();
  EXPECT_EQ(dev.memory().in_use, 0u);
  EXPECT_EQ(dev.allocator().block_count(), 1u);  // one empty regular block is kept
}

}  // namespace
}  // namespace vkflow
