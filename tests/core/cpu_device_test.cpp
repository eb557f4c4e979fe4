#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "runtime/core/error.hpp"
#include "runtime/core/tensor.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/thread_pool.hpp"

using namespace vkflow;

TEST(CpuDevice, AccountsCurrentAndPeakBytes) {
  Device& dev = cpu::device();
  uint64_t base = dev.memory().in_use;
  dev.reset_peak();
  {
    Tensor a = Tensor::empty(dev, DType::F32, {1000});
    EXPECT_EQ(dev.memory().in_use, base + 4032);  // rounded to 64-byte lines
    {
      Tensor b = Tensor::empty(dev, DType::F16, {64});
      EXPECT_EQ(dev.memory().in_use, base + 4032 + 128);
    }
    EXPECT_EQ(dev.memory().in_use, base + 4032);
  }
  EXPECT_EQ(dev.memory().in_use, base);
  EXPECT_EQ(dev.memory().peak, base + 4032 + 128);
  EXPECT_GT(dev.memory().total, 0u);
}

TEST(CpuDevice, BudgetOverflowIsOutOfMemory) {
  Device& dev = cpu::device();
  cpu::set_budget(dev.memory().in_use + (1 << 20));
  EXPECT_THROW(Tensor::empty(dev, DType::F32, {1 << 20}), OutOfMemory);
  Tensor ok = Tensor::empty(dev, DType::F32, {1 << 10});
  cpu::set_budget(0);
  EXPECT_NO_THROW(Tensor::empty(dev, DType::F32, {1 << 20}));
}

TEST(CpuDevice, UploadDownloadAndBounds) {
  Device& dev = cpu::device();
  Tensor t = Tensor::from_f32(dev, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(t.to_f32(), (std::vector<float>{1, 2, 3, 4, 5, 6}));
  float big[8] = {};
  EXPECT_THROW(dev.upload(t.buffer(), 8, big, 24), Error);
}

TEST(CpuDevice, UnknownOpIsUnsupported) {
  Device& dev = cpu::device();
  Tensor t = Tensor::empty(dev, DType::F32, {4});
  Tensor outs[] = {t};
  EXPECT_FALSE(dev.supports("no_such_op"));
  EXPECT_THROW(dev.run(OpCall{"no_such_op", {}, outs, nullptr}), Unsupported);
}

TEST(ThreadPool, CoversRangeOnceAndRethrows) {
  std::vector<std::atomic<int>> hits(10007);
  for (int rep = 0; rep < 20; ++rep)
    cpu::parallel_for(10007, 13, [&](int64_t b, int64_t e) {
      for (int64_t i = b; i < e; ++i) hits[i]++;
    });
  for (auto& h : hits) ASSERT_EQ(h.load(), 20);
  EXPECT_THROW(cpu::parallel_for(100, 1, [](int64_t b, int64_t) {
                 if (b > 50) throw Error("boom");
               }),
               Error);
}
