// Whisper's log-mel front end against openai-whisper (whisper_tiny fixture) within 1e-4.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/dsp/audio_file.hpp"
#include "runtime/media/audio_io.hpp"
#include "runtime/dsp/whisper_mel.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"

using namespace vkflow::dsp;
using vkflow::formats::SafetensorsFile;

namespace {
std::vector<float> expected(const char* file, const char* name) {
  return SafetensorsFile::open(vkflow::test::data_dir() / "dsp" / file).read_f32(name);
}

float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  EXPECT_EQ(a.size(), b.size());
  float m = 0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}
}  // namespace

TEST(WhisperMel, ShortClipMatchesOpenaiWhisper) {
  const auto a = vkflow::media::read_audio(vkflow::test::data_dir() / "media" / "speech_6s.wav");
  ASSERT_EQ(a.sample_rate, 16000);
  ASSERT_EQ(a.num_channels(), 1);
  const LogMel mel = log_mel_spectrogram(pad_or_trim(a.channels[0]), 80);
  EXPECT_EQ(mel.n_mels, 80u);
  EXPECT_EQ(mel.n_frames, 3000u);
  const float d = max_abs_diff(mel.data, expected("whisper_mel_short.safetensors", "mel_short"));
  RecordProperty("max_abs_diff", std::to_string(d));
  EXPECT_LT(d, 1e-4f);
}

TEST(WhisperMel, SecondWindowOfLongAudioMatchesTranscribe) {
  const auto audio = load_audio_16k_mono(vkflow::test::data_dir() / "dsp/speech_35s.wav");
  const LogMel full = log_mel_spectrogram(audio, 80, kWhisperChunkSamples);
  EXPECT_EQ(full.n_frames, audio.size() / kWhisperHop + 3000);
  const LogMel seg1 = mel_segment(full, 3000);
  const float d = max_abs_diff(seg1.data, expected("whisper_mel_long_seg1.safetensors", "mel_long_seg1"));
  RecordProperty("max_abs_diff", std::to_string(d));
  EXPECT_LT(d, 1e-4f);
}

TEST(WhisperMel, SegmentPastTheEndIsZeroPadded) {
  LogMel m;
  m.n_mels = 2;
  m.n_frames = 3;
  m.data = {1, 2, 3, 4, 5, 6};
  const LogMel s = mel_segment(m, 1, 4);
  EXPECT_EQ(s.data, (std::vector<float>{2, 3, 0, 0, 5, 6, 0, 0}));
}

TEST(WhisperMel, FiltersAndErrors) {
  EXPECT_EQ(whisper_mel_filters(80).size(), 80u * 201u);
  EXPECT_EQ(whisper_mel_filters(128).size(), 128u * 201u);
  EXPECT_THROW(whisper_mel_filters(64), vkflow::Error);
  EXPECT_THROW(log_mel_spectrogram(std::vector<float>(100, 0.0f)), vkflow::Error);
  EXPECT_THROW(load_audio_16k_mono(vkflow::test::data_dir() / "dsp/missing.wav"), vkflow::FormatError);
  // 128 bands (large-v3) run too: silence maps to the floor everywhere.
  const LogMel q = log_mel_spectrogram(std::vector<float>(16000, 0.0f), 128);
  EXPECT_EQ(q.n_frames, 100u);
  for (float v : q.data) EXPECT_FLOAT_EQ(v, (-10.0f + 4.0f) / 4.0f);
}
