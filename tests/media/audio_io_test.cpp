#include <gtest/gtest.h>

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/media/audio_io.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow;
using namespace vkflow::media;
using vkflow::test::data_dir;
using vkflow::test::scratch_dir;

namespace {
Audio stereo_sines(int rate, int frames) {
  Audio a;
  a.sample_rate = rate;
  a.channels.assign(2, std::vector<float>(frames));
  for (int i = 0; i < frames; ++i) {
    a.channels[0][i] = 0.5f * std::sin(2 * M_PI * 440 * i / rate);
    a.channels[1][i] = 0.25f * std::sin(2 * M_PI * 1000 * i / rate);
  }
  return a;
}

double max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, double(std::fabs(a[i] - b[i])));
  return m;
}

// Signal-to-noise ratio of `b` against `a` in dB.
double snr_db(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0, n = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    s += double(a[i]) * a[i];
    n += double(a[i] - b[i]) * (a[i] - b[i]);
  }
  return 10 * std::log10(s / std::max(n, 1e-30));
}
}  // namespace

TEST(AudioIo, ReadsSpeechWav) {
  Audio a = read_audio(data_dir() / "media" / "speech_6s.wav");
  EXPECT_EQ(a.sample_rate, 16000);
  EXPECT_EQ(a.num_channels(), 1);
  EXPECT_NEAR(a.seconds(), 6.59, 0.01);
  EXPECT_GT(peak(a), 0.05f);
  EXPECT_LE(peak(a), 1.0f);
}

TEST(AudioIo, LosslessRoundTrips) {
  auto dir = scratch_dir("audio_lossless");
  Audio a = stereo_sines(44100, 20000);
  for (auto fmt : {AudioFormat::Wav, AudioFormat::Flac}) {
    auto p = dir / (std::string("t.") + extension(fmt));
    write_audio(p, a, fmt);
    Audio b = read_audio(p);
    ASSERT_EQ(b.sample_rate, 44100);
    ASSERT_EQ(b.num_channels(), 2);
    ASSERT_EQ(b.frames(), a.frames());
    for (int c = 0; c < 2; ++c) EXPECT_LT(max_diff(a.channels[c], b.channels[c]), 1.0 / 32768 + 1e-6) << extension(fmt);
  }
}

TEST(AudioIo, OggVorbisRoundTrip) {
  auto dir = scratch_dir("audio_ogg");
  Audio a = stereo_sines(48000, 48000);
  write_audio(dir / "t.ogg", a, AudioFormat::Ogg);
  Audio b = read_audio(dir / "t.ogg");
  ASSERT_EQ(b.sample_rate, 48000);
  ASSERT_EQ(b.num_channels(), 2);
  ASSERT_EQ(b.frames(), a.frames());
  for (int c = 0; c < 2; ++c) EXPECT_GT(snr_db(a.channels[c], b.channels[c]), 20.0);  // lossy but close
}

TEST(AudioIo, ClipsOversInIntegerFormats) {
  Audio a;
  a.sample_rate = 8000;
  a.channels = {{1.5f, -1.5f, 0.5f}};
  Audio b = read_audio([&] {
    auto p = scratch_dir("audio_clip") / "c.wav";
    write_audio(p, a, AudioFormat::Wav);
    return p;
  }());
  EXPECT_NEAR(b.channels[0][0], 1.0f, 1e-4);
  EXPECT_NEAR(b.channels[0][1], -1.0f, 1e-4);
}

TEST(AudioIo, BadFilesNameTheFile) {
  for (const char* n : {"not_audio.wav", "not_png.png", "missing.wav"}) {
    try {
      read_audio(data_dir() / "media" / n);
      FAIL() << n;
    } catch (const FormatError& e) {
      EXPECT_NE(std::string(e.what()).find(n), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(parse_audio_format("mp3"), Error);
}
