#pragma once
// Greedy (temperature 0) decoding of one audio window, as openai-whisper's decoding.decode
// with a GreedyDecoder: sot sequence, logit filters, argmax, stop at EOT or sample_len.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/models/whisper/whisper_model.hpp"
#include "runtime/text/whisper_tokenizer.hpp"

namespace vkflow::models::whisper {

struct DecodingOptions {
  std::string language = "en";  // code or name
  std::string task = "transcribe";  // or "translate"
  bool without_timestamps = false;
  std::string suppress_tokens = "-1";
  bool suppress_blank = true;
  std::optional<double> max_initial_timestamp = 1.0;  // seconds
  int sample_len = 0;  // 0: n_text_ctx / 2
};

struct DecodingResult {
  std::vector<int32_t> tokens;  // sampled tokens, without the sot sequence and EOT
  double sum_logprob = 0;
  double avg_logprob = 0;  // sum_logprob / (tokens + 1), as openai-whisper
};

// audio_features: WhisperModel::encode's output for one 30 s window.
DecodingResult decode_greedy(const WhisperModel& model, const Tensor& audio_features,
                             const text::WhisperTokenizer& tok, const DecodingOptions& opt);

}  // namespace vkflow::models::whisper
