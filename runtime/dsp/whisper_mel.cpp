#include "runtime/dsp/whisper_mel.hpp"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <numbers>

#include "runtime/core/error.hpp"

// The FFT is FFTW's single-precision real transform; spectra and mel energies accumulate in
// double. Against openai-whisper (torch.stft in float32) this stays within ~1e-5 of the
// log-mel, well inside the 1e-4 the fixtures ask for.
namespace vkflow::dsp {

namespace {
std::mutex& fftw_planner_mutex() {  // FFTW's planner is not thread-safe
  static std::mutex m;
  return m;
}

// Centred framing pads n_fft/2 samples on each side by reflection (edge sample not repeated).
std::vector<float> reflect_pad(std::span<const float> x, size_t pad) {
  if (x.size() <= pad) throw Error("whisper mel: audio shorter than " + std::to_string(pad + 1) + " samples");
  std::vector<float> out(x.size() + 2 * pad);
  for (size_t i = 0; i < pad; ++i) out[i] = x[pad - i];
  std::copy(x.begin(), x.end(), out.begin() + static_cast<ptrdiff_t>(pad));
  for (size_t i = 0; i < pad; ++i) out[pad + x.size() + i] = x[x.size() - 2 - i];
  return out;
}
}  // namespace

std::vector<float> pad_or_trim(std::span<const float> audio, size_t length) {
  std::vector<float> out(length, 0.0f);
  std::copy_n(audio.begin(), std::min(length, audio.size()), out.begin());
  return out;
}

LogMel log_mel_spectrogram(std::span<const float> audio, size_t n_mels, size_t padding) {
  const std::vector<float>& filters = whisper_mel_filters(n_mels);
  std::vector<float> x(audio.begin(), audio.end());
  x.resize(x.size() + padding, 0.0f);
  const size_t n_fft = kWhisperNfft, hop = kWhisperHop, bins = n_fft / 2 + 1;
  const std::vector<float> padded = reflect_pad(x, n_fft / 2);
  // torch.stft gives 1 + len/hop frames; Whisper drops the last one.
  const size_t n_frames = x.size() / hop;

  std::vector<float> window(n_fft);  // periodic Hann
  for (size_t i = 0; i < n_fft; ++i)
    window[i] = static_cast<float>(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * static_cast<double>(i) / n_fft));

  float* in = fftwf_alloc_real(n_fft);
  fftwf_complex* spec = fftwf_alloc_complex(bins);
  fftwf_plan plan;
  {
    std::lock_guard lock(fftw_planner_mutex());
    plan = fftwf_plan_dft_r2c_1d(static_cast<int>(n_fft), in, spec, FFTW_ESTIMATE);
  }
  if (!plan) {
    fftwf_free(in);
    fftwf_free(spec);
    throw Error("whisper mel: FFTW could not plan a 400-point transform");
  }

  // Each triangular filter is non-zero over a few bins only: keep those ranges.
  std::vector<std::pair<size_t, size_t>> support(n_mels, {0, 0});
  for (size_t m = 0; m < n_mels; ++m) {
    const float* f = filters.data() + m * bins;
    size_t lo = 0, hi = bins;
    while (lo < bins && f[lo] == 0.0f) ++lo;
    while (hi > lo && f[hi - 1] == 0.0f) --hi;
    support[m] = {lo, hi};
  }

  LogMel mel;
  mel.n_mels = n_mels;
  mel.n_frames = n_frames;
  mel.data.resize(n_mels * n_frames);
  std::vector<double> power(bins);
  for (size_t t = 0; t < n_frames; ++t) {
    const float* frame = padded.data() + t * hop;
    for (size_t i = 0; i < n_fft; ++i) in[i] = frame[i] * window[i];
    fftwf_execute(plan);
    for (size_t k = 0; k < bins; ++k)
      power[k] = static_cast<double>(spec[k][0]) * spec[k][0] + static_cast<double>(spec[k][1]) * spec[k][1];
    for (size_t m = 0; m < n_mels; ++m) {
      const float* f = filters.data() + m * bins;
      double e = 0.0;
      for (size_t k = support[m].first; k < support[m].second; ++k) e += f[k] * power[k];
      mel.data[m * n_frames + t] = static_cast<float>(std::log10(std::max(e, 1e-10)));
    }
  }
  {
    std::lock_guard lock(fftw_planner_mutex());
    fftwf_destroy_plan(plan);
  }
  fftwf_free(in);
  fftwf_free(spec);

  float top = -INFINITY;
  for (float v : mel.data) top = std::max(top, v);
  const float floor = top - 8.0f;
  for (float& v : mel.data) v = (std::max(v, floor) + 4.0f) / 4.0f;
  return mel;
}

LogMel mel_segment(const LogMel& mel, size_t start, size_t n) {
  LogMel out;
  out.n_mels = mel.n_mels;
  out.n_frames = n;
  out.data.assign(mel.n_mels * n, 0.0f);
  if (start < mel.n_frames) {
    const size_t take = std::min(n, mel.n_frames - start);
    for (size_t m = 0; m < mel.n_mels; ++m)
      std::copy_n(mel.data.begin() + static_cast<ptrdiff_t>(m * mel.n_frames + start), take,
                  out.data.begin() + static_cast<ptrdiff_t>(m * n));
  }
  return out;
}

}  // namespace vkflow::dsp
