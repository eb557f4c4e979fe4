// The decoder's per-row helpers (vectorized max/argmax, log-sum-exp) against scalar loops,
// ties and all-masked rows included: greedy decoding takes the first of equal logits.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "runtime/models/whisper/whisper_logit_filters.hpp"

namespace vkflow::models::whisper {
namespace {

TEST(WhisperRowStats, MaxAndFirstIndexMatchAScalarLoop) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 3000; ++trial) {
    const size_t n = 1 + rng() % 300;
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(static_cast<int>(rng() % 7)) - 3.0f;  // many ties
    if (trial % 5 == 0)
      for (size_t i = 0; i < n; i += 1 + rng() % 3) v[i] = -INFINITY;
    if (trial % 17 == 0) std::fill(v.begin(), v.end(), -INFINITY);
    const size_t from = rng() % n, to = from + rng() % (n - from + 1);
    float m = -INFINITY;
    size_t at = from;
    for (size_t i = from; i < to; ++i)
      if (v[i] > m) m = v[i], at = i;
    const RowMax r = row_max(v.data(), from, to);
    ASSERT_EQ(r.value, m) << "trial " << trial;
    if (m != -INFINITY) ASSERT_EQ(r.index, at) << "trial " << trial;
  }
}

TEST(WhisperRowStats, LogSumExpMatchesDouble) {
  std::mt19937 rng(3);
  std::normal_distribution<float> d(0.0f, 4.0f);
  std::vector<float> v(51865);
  for (float& x : v) x = d(rng);
  v[100] = -INFINITY;
  double m = -INFINITY, s = 0;
  for (float x : v) m = std::max(m, double(x));
  for (float x : v) s += std::exp(double(x) - m);
  EXPECT_NEAR(log_sum_exp(v), m + std::log(s), 1e-5);
  EXPECT_EQ(log_sum_exp(std::vector<float>(9, -INFINITY)), -INFINITY);
}

}  // namespace
}  // namespace vkflow::models::whisper
