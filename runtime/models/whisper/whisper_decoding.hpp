#pragma once
// Decoding one 30-s audio window as openai-whisper's decoding.decode does: the initial tokens
// (previous-text prompt, sot sequence, language — detected when not given — task,
// notimestamps), the logit filters, then greedy / sampling with best_of / beam search
// (whisper_search.hpp), the best candidate by sum logprob / length, its average log-probability,
// the no-speech probability and the text's compression ratio.
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/models/whisper/whisper_model.hpp"
#include "runtime/text/whisper_tokenizer.hpp"

namespace vkflow::models::whisper {

// Where a decode's time goes (benches fill it through DecodingOptions::stats): the decoder's
// ops (recorded on Vulkan, run on the CPU) and the logits' trip to the host (the wait for
// the device included). The rest of a decode is the host's search: filters, log-softmax,
// top-k, bookkeeping.
struct DecodeStats {
  int64_t model_calls = 0;  // decoder forward()/step() calls
  double model_ms = 0;
  double readback_ms = 0;
  uint64_t readback_bytes = 0;
};

struct DecodingOptions {
  std::string language = "en";      // code or name; "" = detect from the audio
  std::string task = "transcribe";  // or "translate"
  double temperature = 0;           // 0: greedy or beam search; > 0: sampling
  int beam_size = 0;                // > 0 with temperature 0: beam search
  int best_of = 0;                  // > 0 with temperature > 0: that many samples, the best kept
  double patience = 1.0;            // beam search collects round(beam_size * patience) finished
  std::vector<int32_t> prompt;      // previous-text tokens (the last n_text_ctx/2 - 1 are used)
  bool without_timestamps = false;
  std::string suppress_tokens = "-1";
  bool suppress_blank = true;
  std::optional<double> max_initial_timestamp = 1.0;  // seconds
  int sample_len = 0;               // 0: n_text_ctx / 2
  uint64_t seed = 0;                // sampling RNG (reproducible runs)
  bool ignore_eot = false;          // never sample EOT (fixed-length benchmark runs)
  DecodeStats* stats = nullptr;     // when set, accumulates where the time goes
};

struct DecodingResult {
  std::vector<int32_t> tokens;        // sampled tokens, without the initial ones and EOT
  std::vector<float> token_logprobs;  // log-probability of each when it was chosen
  std::string text;                   // decoded, stripped
  std::string language;               // code
  double sum_logprob = 0;
  double avg_logprob = 0;             // sum_logprob / (tokens + 1), as openai-whisper
  double no_speech_prob = 0;          // P(<|nospeech|>) at the sot position
  double temperature = 0;
  double compression_ratio = 0;       // of `text` (zlib)
};

// audio_features: WhisperModel::encode's output for one 30 s window.
DecodingResult decode(const WhisperModel& model, const Tensor& audio_features, const text::WhisperTokenizer& tok,
                      const DecodingOptions& opt);

// Language probabilities after <|startoftranscript|> (openai detect_language), most likely
// first: (code, probability). Throws Error for an English-only model.
std::vector<std::pair<std::string, double>> detect_language(const WhisperModel& model, const Tensor& audio_features,
                                                            const text::WhisperTokenizer& tok);

// len(utf8) / len(zlib.compress(utf8)), openai-whisper's repetition measure (0 for "").
double compression_ratio(const std::string& text);

}  // namespace vkflow::models::whisper
