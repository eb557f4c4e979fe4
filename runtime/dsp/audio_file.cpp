#include "runtime/dsp/audio_file.hpp"

#include <samplerate.h>
#include <sndfile.h>

#include "runtime/core/error.hpp"

namespace vkflow::dsp {

Audio read_audio(const std::filesystem::path& path) {
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  if (!f) throw FormatError(path.string(), std::string("cannot open audio: ") + sf_strerror(nullptr));
  Audio a;
  a.sample_rate = info.samplerate;
  a.channels = info.channels;
  if (info.channels <= 0 || info.samplerate <= 0 || info.frames < 0) {
    sf_close(f);
    throw FormatError(path.string(), "audio has no channels or no sample rate");
  }
  // libsndfile normalises integer PCM by 1/32768 (16-bit), matching whisper's int16 / 32768.
  a.samples.resize(static_cast<size_t>(info.frames) * static_cast<size_t>(info.channels));
  const sf_count_t got = sf_readf_float(f, a.samples.data(), info.frames);
  const int err = sf_error(f);
  sf_close(f);
  if (err != SF_ERR_NO_ERROR || got != info.frames)
    throw FormatError(path.string(), "audio data is truncated or unreadable");
  return a;
}

std::vector<float> to_mono(const Audio& a) {
  if (a.channels == 1) return a.samples;
  std::vector<float> out(a.frames());
  for (size_t i = 0; i < out.size(); ++i) {
    float s = 0;
    for (int c = 0; c < a.channels; ++c) s += a.samples[i * static_cast<size_t>(a.channels) + static_cast<size_t>(c)];
    out[i] = s / static_cast<float>(a.channels);
  }
  return out;
}

std::vector<float> resample(std::span<const float> mono, int from_rate, int to_rate) {
  if (from_rate <= 0 || to_rate <= 0) throw Error("resample: sample rates must be positive");
  if (from_rate == to_rate || mono.empty()) return {mono.begin(), mono.end()};
  const double ratio = static_cast<double>(to_rate) / from_rate;
  std::vector<float> out(static_cast<size_t>(static_cast<double>(mono.size()) * ratio) + 16);
  SRC_DATA d{};
  d.data_in = mono.data();
  d.input_frames = static_cast<long>(mono.size());
  d.data_out = out.data();
  d.output_frames = static_cast<long>(out.size());
  d.src_ratio = ratio;
  d.end_of_input = 1;
  if (const int e = src_simple(&d, SRC_SINC_BEST_QUALITY, 1))
    throw Error(std::string("resample: ") + src_strerror(e));
  out.resize(static_cast<size_t>(d.output_frames_gen));
  return out;
}

std::vector<float> load_audio_16k_mono(const std::filesystem::path& path) {
  const Audio a = read_audio(path);
  return resample(to_mono(a), a.sample_rate, 16000);
}

}  // namespace vkflow::dsp
