#pragma once
// openai-whisper's logit filters (decoding.py SuppressBlank, SuppressTokens,
// ApplyTimestampRules), applied on the host to one row of next-token logits.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "runtime/text/whisper_tokenizer.hpp"

namespace vkflow::models::whisper {

// suppress_tokens as openai-whisper parses it: comma-separated ids; "-1" adds the tokenizer's
// non-speech tokens; the task/sot/nospeech specials are always added. Sorted, unique.
// Throws vkflow::Error on a malformed list.
std::vector<int32_t> parse_suppress_tokens(const std::string& spec, const text::WhisperTokenizer& tok);

struct LogitFilters {
  const text::WhisperTokenizer* tok = nullptr;
  size_t sample_begin = 0;            // length of the initial tokens
  bool suppress_blank = true;
  std::vector<int32_t> suppress;      // from parse_suppress_tokens
  bool timestamps = false;            // ApplyTimestampRules on
  std::optional<int32_t> max_initial_timestamp_index;  // round(max_initial_timestamp / precision)

  // tokens: the whole sequence so far (initial tokens included); logits: its next-token row.
  void apply(std::vector<float>& logits, const std::vector<int32_t>& tokens) const;
};

// The largest of v[from, to) and its first index (-inf and `from` when empty or all -inf);
// eight lanes at a time, as a vocabulary row is searched once or twice per decoded token.
struct RowMax {
  float value;
  size_t index;
};
RowMax row_max(const float* v, size_t from, size_t to);

// log(sum(exp(v[from, to)))) given its max `m`: the exponentials in vectorized float (within
// 2 ulp), summed in double; -inf when m is -inf.
double log_sum_exp(const float* v, size_t from, size_t to, float m);
// log(sum(exp(logits))) of one row. A token's log-probability is
// double(logits[t]) - log_sum_exp(logits): no per-step vector of them is built.
double log_sum_exp(const std::vector<float>& logits);
// log_softmax of one row (a -inf logit stays -inf).
std::vector<double> log_softmax(const std::vector<float>& logits);

}  // namespace vkflow::models::whisper
