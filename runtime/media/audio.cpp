#include "runtime/media/audio.hpp"

#include <cmath>
#include <string>

#include "runtime/core/error.hpp"

namespace vkflow::media {

void check_audio(const Audio& a, const char* what) {
  if (a.sample_rate <= 0) throw Error(std::string(what) + ": sample rate must be positive");
  if (a.channels.empty()) throw Error(std::string(what) + ": audio has no channels");
  for (const auto& c : a.channels)
    if (c.size() != a.channels[0].size()) throw Error(std::string(what) + ": channels differ in length");
}

Audio mix_to_mono(const Audio& a) {
  check_audio(a, "mix_to_mono");
  Audio m;
  m.sample_rate = a.sample_rate;
  m.channels.assign(1, std::vector<float>(a.frames(), 0.0f));
  auto& out = m.channels[0];
  // Accumulate in double: long inputs with many channels stay exact to float precision.
  const double w = 1.0 / a.num_channels();
  for (int64_t i = 0; i < a.frames(); ++i) {
    double s = 0;
    for (const auto& c : a.channels) s += c[i];
    out[i] = static_cast<float>(s * w);
  }
  return m;
}

float peak(const Audio& a) {
  float p = 0;
  for (const auto& c : a.channels)
    for (float v : c) p = std::max(p, std::fabs(v));
  return p;
}

void apply_gain(Audio& a, float factor) {
  for (auto& c : a.channels)
    for (float& v : c) v *= factor;
}

void normalize_peak(Audio& a, double peak_db) {
  float p = peak(a);
  if (p <= 0) return;
  double target = std::pow(10.0, peak_db / 20.0);
  apply_gain(a, static_cast<float>(target / p));
}

}  // namespace vkflow::media
