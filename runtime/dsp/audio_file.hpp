#pragma once
// Reading audio files (WAV, FLAC, OGG, ... whatever libsndfile opens) as float samples, and the
// conversions Whisper needs: mono mixdown and resampling to 16 kHz (libsamplerate).
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace vkflow::dsp {

struct Audio {
  std::vector<float> samples;  // interleaved, in [-1, 1); 16-bit PCM reads as int16 / 32768 exactly
  int sample_rate = 0;
  int channels = 0;
  size_t frames() const { return channels ? samples.size() / static_cast<size_t>(channels) : 0; }
};

// Throws vkflow::FormatError naming the file when it cannot be opened or decoded.
Audio read_audio(const std::filesystem::path& path);
// Average of the channels (as ffmpeg's -ac 1 downmix).
std::vector<float> to_mono(const Audio& a);
// Resamples mono audio with libsamplerate's best sinc converter; returns the input when the
// rates already agree.
std::vector<float> resample(std::span<const float> mono, int from_rate, int to_rate);
// read_audio + to_mono + resample to 16 kHz: Whisper's input.
std::vector<float> load_audio_16k_mono(const std::filesystem::path& path);

}  // namespace vkflow::dsp
