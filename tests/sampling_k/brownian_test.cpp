// The Brownian-bridge noise used for the SDE samplers in place of torchsde's BrownianTree.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/sampling/noise_sampler.hpp"
#include "runtime/sampling/torch_noise.hpp"

namespace vkflow::sampling {
namespace {

constexpr size_t kN = 20000;

NoiseSampler bridge(uint64_t seed) {
  return brownian_bridge_noise(torch_randn_factory()(seed), kN, 0.03, 14.6);
}

std::vector<float> draw(NoiseSampler& ns, double a, double b) {
  std::vector<float> v(kN);
  ns(a, b, v);
  return v;
}

double mean(const std::vector<float>& v) {
  double m = 0;
  for (float x : v) m += x;
  return m / v.size();
}
double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += static_cast<double>(a[i]) * b[i];
  return s / a.size();
}

TEST(BrownianNoise, UnitVarianceAndIndependentDisjointSteps) {
  NoiseSampler ns = bridge(5);
  const auto a = draw(ns, 14.6, 3.0), b = draw(ns, 3.0, 0.5), c = draw(ns, 0.5, 0.03);
  for (const auto* v : {&a, &b, &c}) {
    EXPECT_NEAR(mean(*v), 0.0, 0.03);
    EXPECT_NEAR(dot(*v, *v), 1.0, 0.04);
  }
  EXPECT_NEAR(dot(a, b), 0.0, 0.03);
  EXPECT_NEAR(dot(b, c), 0.0, 0.03);
}

TEST(BrownianNoise, NestedIntervalsAreConsistent) {
  // dpmpp_sde asks for (sigma, sigma_mid) and then (sigma, sigma_next): the increments must add up.
  NoiseSampler ns = bridge(6);
  const double s = 5.0, mid = 2.0, next = 1.0;
  const auto whole = draw(ns, s, next), first = draw(ns, s, mid), second = draw(ns, mid, next);
  double worst = 0;
  for (size_t i = 0; i < kN; ++i) {
    const double sum = first[i] * std::sqrt(s - mid) + second[i] * std::sqrt(mid - next);
    worst = std::max(worst, std::fabs(whole[i] * std::sqrt(s - next) - sum));
  }
  EXPECT_LT(worst, 1e-4);
  // The sub-interval correlates with the whole as sqrt((s-mid)/(s-next)).
  EXPECT_NEAR(dot(whole, first), std::sqrt((s - mid) / (s - next)), 0.03);
}

TEST(BrownianNoise, DeterministicPerSeedAndQueryOrder) {
  NoiseSampler a = bridge(7), b = bridge(7), c = bridge(8);
  EXPECT_EQ(draw(a, 14.6, 2.0), draw(b, 14.6, 2.0));
  EXPECT_NE(draw(a, 2.0, 0.5), draw(c, 2.0, 0.5));
  std::vector<float> wrong(3);
  EXPECT_THROW(a(2.0, 1.0, wrong), Error);
}

}  // namespace
}  // namespace vkflow::sampling
