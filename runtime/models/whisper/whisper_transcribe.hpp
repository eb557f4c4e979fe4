#pragma once
// Audio of any length, as openai-whisper's transcribe(): the log-mel of the whole clip,
// 30-s windows from `seek`, each decoded with temperature fallback (a higher temperature when
// the text is too repetitive — zlib compression ratio — or too unlikely — average
// log-probability), windows judged silent skipped (no-speech probability), segments split at
// timestamp pairs and seek moved to the last complete segment's end; the text decoded so far
// is the next window's prompt (condition_on_previous_text).
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "runtime/models/whisper/transcript.hpp"
#include "runtime/models/whisper/whisper_decoding.hpp"
#include "runtime/models/whisper/whisper_model.hpp"

namespace vkflow::models::whisper {

struct TranscribeOptions {
  // Per-window decoding (language "" = detect once from the first window; `temperature`
  // and `prompt` are set by transcribe()).
  DecodingOptions decode;
  std::vector<double> temperatures = {0.0, 0.2, 0.4, 0.6, 0.8, 1.0};
  std::optional<double> compression_ratio_threshold = 2.4;
  std::optional<double> logprob_threshold = -1.0;
  std::optional<double> no_speech_threshold = 0.6;
  bool condition_on_previous_text = true;
  std::string initial_prompt;
  // (frames done, frames total) after each window; may throw (cancellation).
  std::function<void(int64_t, int64_t)> progress;
};

// The code of a language given by code or name; "" for "" / "auto" (detect). Throws Error
// for an unknown language or one the model lacks (English-only models: only en).
std::string language_code(const text::WhisperTokenizer& tok, const std::string& given);

// openai decode_with_fallback's test: retry at the next temperature? (A window judged
// silent — no_speech_prob above its threshold with a low average logprob — is not retried.)
bool needs_fallback(const DecodingResult& r, const TranscribeOptions& opt);
// The window is skipped as silence.
bool is_silent(const DecodingResult& r, const TranscribeOptions& opt);

// Decodes one window at each temperature in turn until needs_fallback() is false (or the
// temperatures run out: the last result). Beam search applies at temperature 0 only, best_of
// above it.
DecodingResult decode_with_fallback(const WhisperModel& model, const Tensor& audio_features,
                                    const text::WhisperTokenizer& tok, const TranscribeOptions& opt);

// audio: 16 kHz mono samples. Throws vkflow::Error for bad options (unknown language, ...).
Transcript transcribe(const WhisperModel& model, const text::WhisperTokenizer& tok, std::span<const float> audio,
                      const TranscribeOptions& opt);

}  // namespace vkflow::models::whisper
