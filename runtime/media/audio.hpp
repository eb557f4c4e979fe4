#pragma once
// Audio as nodes pass it: float32 samples in [-1, 1] (peaks may exceed it), one vector per
// channel (planar), and the sample rate.
#include <cstdint>
#include <vector>

namespace vkflow::media {

struct Audio {
  int sample_rate = 0;
  std::vector<std::vector<float>> channels;  // all the same length

  int num_channels() const { return static_cast<int>(channels.size()); }
  int64_t frames() const { return channels.empty() ? 0 : static_cast<int64_t>(channels[0].size()); }
  double seconds() const { return sample_rate > 0 ? double(frames()) / sample_rate : 0.0; }
  uint64_t bytes() const { return uint64_t(frames()) * channels.size() * sizeof(float); }
};

// Throws Error when the channels differ in length or the rate is not positive.
void check_audio(const Audio& a, const char* what);
// Average of all channels (equal weights), as one channel.
Audio mix_to_mono(const Audio& a);
// Largest absolute sample over all channels (0 for silence).
float peak(const Audio& a);
// Multiplies every sample by `factor`.
void apply_gain(Audio& a, float factor);
// Scales so the peak reaches `peak_db` dBFS; silence is left unchanged.
void normalize_peak(Audio& a, double peak_db);

}  // namespace vkflow::media
