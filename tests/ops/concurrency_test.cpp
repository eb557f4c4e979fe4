// CPU ops called from several threads at once (the executor may run independent nodes in
// parallel) give the same results as when called alone.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <thread>
#include <vector>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/ops/conv.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"

using namespace vkflow;

namespace {
Tensor rnd(Shape s, uint32_t seed) {
  std::mt19937 r(seed);
  std::uniform_real_distribution<float> u(-1, 1);
  std::vector<float> v(numel(s));
  for (float& x : v) x = u(r);
  return Tensor::from_f32(cpu::device(), s, v);
}

std::vector<float> work(const Tensor& x, const Tensor& w, const Tensor& cw, const Tensor& q) {
  Tensor y = ops::linear(x, w);
  ops::Conv2dParams p;
  p.pad_h = p.pad_w = 1;
  Tensor c = ops::conv2d(y.view({2, 8, 16, 16}), cw, {}, p);
  Tensor a = ops::attention(q, q, q);
  std::vector<float> out = ops::group_norm(c, 4).to_f32();
  std::vector<float> av = a.to_f32();
  out.insert(out.end(), av.begin(), av.end());
  return out;
}
}  // namespace

TEST(CpuConcurrency, ParallelCallersMatchSerial) {
  Tensor x = rnd({128, 96}, 1), w = rnd({32, 96}, 2), cw = rnd({8, 8, 3, 3}, 3), q = rnd({1, 2, 200, 24}, 4);
  std::vector<float> want = work(x, w, cw, q);
  std::vector<std::vector<float>> got(4);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&, t] {
      for (int rep = 0; rep < 5; ++rep) got[t] = work(x, w, cw, q);
    });
  for (auto& t : ts) t.join();
  // Not bit-exact: BLAS may split the work differently while other calls run.
  for (const auto& g : got) {
    ASSERT_EQ(g.size(), want.size());
    for (size_t i = 0; i < g.size(); ++i) ASSERT_NEAR(g[i], want[i], 1e-4f * (1.0f + std::abs(want[i]))) << i;
  }
}
