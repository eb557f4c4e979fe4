#include <gtest/gtest.h>

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/media/resample.hpp"

using namespace vkflow;
using namespace vkflow::media;

namespace {
Audio sine(int rate, double hz, int frames, int channels = 1) {
  Audio a;
  a.sample_rate = rate;
  a.channels.assign(channels, std::vector<float>(frames));
  for (auto& c : a.channels)
    for (int i = 0; i < frames; ++i) c[i] = 0.8f * std::sin(2 * M_PI * hz * i / rate);
  return a;
}
}  // namespace

TEST(Resample, SineStaysASineAtTheNewRate) {
  for (auto [from, to] : {std::pair{44100, 16000}, std::pair{16000, 48000}, std::pair{48000, 22050}}) {
    Audio a = sine(from, 1000, from);  // one second
    int64_t calls = 0;
    Audio b = resample(a, to, [&](int64_t, int64_t) { ++calls; });
    ASSERT_EQ(b.sample_rate, to);
    ASSERT_EQ(b.frames(), to);
    EXPECT_GT(calls, 0);
    // Away from the edges (filter warm-up) the output matches the analytic sine.
    double err = 0;
    for (int i = to / 10; i < to - to / 10; ++i)
      err = std::max(err, std::fabs(b.channels[0][i] - 0.8 * std::sin(2 * M_PI * 1000 * i / to)));
    EXPECT_LT(err, 2e-3) << from << " -> " << to;
  }
}

TEST(Resample, RemovesContentAboveTheNewNyquist) {
  Audio a = sine(48000, 12000, 48000);  // above 8 kHz: must vanish at 16 kHz
  Audio b = resample(a, 16000);
  float p = 0;  // interior only: the abrupt start and end of the test tone ring
  for (int i = 1600; i < 16000 - 1600; ++i) p = std::max(p, std::fabs(b.channels[0][i]));
  EXPECT_LT(p, 1e-3f);
}

TEST(Resample, ProgressMayCancel) {
  Audio a = sine(44100, 440, 44100 * 4, 2);
  struct Stop {};
  EXPECT_THROW(resample(a, 16000, [](int64_t, int64_t) { throw Stop{}; }), Stop);
}

TEST(Resample, RejectsBadRates) {
  Audio a = sine(16000, 440, 100);
  EXPECT_THROW(resample(a, 0), Error);
  a.sample_rate = 0;
  EXPECT_THROW(resample(a, 16000), Error);
}

TEST(MixDown, AveragesChannels) {
  Audio a;
  a.sample_rate = 8000;
  a.channels = {{1.0f, 0.5f, -1.0f}, {0.0f, 0.5f, 1.0f}};
  Audio m = mix_to_mono(a);
  ASSERT_EQ(m.num_channels(), 1);
  EXPECT_FLOAT_EQ(m.channels[0][0], 0.5f);
  EXPECT_FLOAT_EQ(m.channels[0][1], 0.5f);
  EXPECT_FLOAT_EQ(m.channels[0][2], 0.0f);
  a.channels[1].pop_back();
  EXPECT_THROW(mix_to_mono(a), Error);
}

TEST(Normalize, ReachesThePeak) {
  Audio a = sine(16000, 440, 16000);
  normalize_peak(a, -6.0);
  EXPECT_NEAR(peak(a), std::pow(10.0, -6.0 / 20), 1e-5);
  Audio silence;
  silence.sample_rate = 16000;
  silence.channels = {std::vector<float>(10, 0.0f)};
  normalize_peak(silence, -1.0);
  EXPECT_EQ(peak(silence), 0.0f);
}
