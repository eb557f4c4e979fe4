#pragma once
// Whisper's log-mel spectrogram, as openai-whisper's audio.py computes it: 16 kHz audio,
// STFT (n_fft 400, hop 160, periodic Hann, centred with reflect padding), |X|^2 with the last
// frame dropped, mel filterbank (80 or 128 bands, Whisper's own mel_filters), log10 of
// max(x, 1e-10), clamped to (global max - 8), then (x + 4) / 4.
#include <cstddef>
#include <span>
#include <vector>

namespace vkflow::dsp {

inline constexpr int kWhisperSampleRate = 16000;
inline constexpr size_t kWhisperNfft = 400;
inline constexpr size_t kWhisperHop = 160;
inline constexpr size_t kWhisperChunkSamples = 480000;  // 30 s
inline constexpr size_t kWhisperChunkFrames = 3000;

struct LogMel {
  size_t n_mels = 0;
  size_t n_frames = 0;
  std::vector<float> data;  // [n_mels][n_frames], row-major (the encoder's input layout)
  float at(size_t mel, size_t frame) const { return data[mel * n_frames + frame]; }
};

// pad_or_trim: cut to `length` samples or zero-pad at the end.
std::vector<float> pad_or_trim(std::span<const float> audio, size_t length = kWhisperChunkSamples);

// log_mel_spectrogram(audio, n_mels, padding): `padding` zero samples are appended first
// (whisper.transcribe passes 480000 so the last window is complete). n_mels: 80 or 128.
LogMel log_mel_spectrogram(std::span<const float> audio, size_t n_mels = 80, size_t padding = 0);

// Frames [start, start + n) of a spectrogram, zero-padded past its end (pad_or_trim on the
// frame axis): the 30-s window whisper.transcribe feeds the encoder at `seek`.
LogMel mel_segment(const LogMel& mel, size_t start, size_t n = kWhisperChunkFrames);

// Whisper's mel filterbank [n_mels][201] (embedded from mel_filters.npz).
const std::vector<float>& whisper_mel_filters(size_t n_mels);

}  // namespace vkflow::dsp
