#include "runtime/models/whisper/whisper_logit_filters.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include "runtime/core/error.hpp"
#include "runtime/cpu/vec.hpp"

namespace vkflow::models::whisper {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();

void fill(std::vector<float>& v, int64_t from, int64_t to) {
  from = std::clamp<int64_t>(from, 0, static_cast<int64_t>(v.size()));
  to = std::clamp<int64_t>(to, from, static_cast<int64_t>(v.size()));
  std::fill(v.begin() + from, v.begin() + to, kNegInf);
}

}  // namespace

std::vector<int32_t> parse_suppress_tokens(const std::string& spec, const text::WhisperTokenizer& tok) {
  std::vector<int32_t> out;
  bool non_speech = false;
  std::stringstream ss(spec);
  for (std::string item; std::getline(ss, item, ',');) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    if (item.empty()) continue;
    size_t used = 0;
    long v = 0;
    try {
      v = std::stol(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || v < -1 || v >= tok.n_vocab())
      throw Error("suppress_tokens: '" + item + "' is not a token id (or -1)");
    if (v == -1)
      non_speech = true;
    else
      out.push_back(static_cast<int32_t>(v));
  }
  if (non_speech)
    for (int32_t t : tok.non_speech_tokens()) out.push_back(t);
  for (int32_t t : {tok.transcribe(), tok.translate(), tok.sot(), tok.sot_prev(), tok.sot_lm(), tok.no_speech()})
    out.push_back(t);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

RowMax row_max(const float* v, size_t from, size_t to) {
  // Each lane keeps its largest value and where it first saw it (strict >), so no second
  // pass looks for the index; lanes then meet, the lowest index winning among equals.
  constexpr size_t kLanes = 8;
  float lane[kLanes];
  uint32_t at[kLanes];
  std::fill(lane, lane + kLanes, kNegInf);
  std::fill(at, at + kLanes, 0u);
  size_t i = from;
  for (; i + kLanes <= to; i += kLanes)
    for (size_t l = 0; l < kLanes; ++l) {
      const bool gt = v[i + l] > lane[l];
      lane[l] = gt ? v[i + l] : lane[l];
      at[l] = gt ? static_cast<uint32_t>(i + l) : at[l];
    }
  RowMax r{kNegInf, from};
  for (size_t l = 0; l < kLanes; ++l)
    if (lane[l] > r.value || (lane[l] == r.value && lane[l] != kNegInf && at[l] < r.index)) r = {lane[l], at[l]};
  for (; i < to; ++i)
    if (v[i] > r.value) r = {v[i], i};
  return r;
}

double log_sum_exp(const float* v, size_t from, size_t to, float m) {
  if (m == kNegInf || to <= from) return -INFINITY;
  thread_local std::vector<float> e;
  e.resize(to - from);
  for (size_t i = from; i < to; ++i) e[i - from] = v[i] - m;
  const int64_t n = static_cast<int64_t>(to - from);
  cpu::exp_inplace(e.data(), n);
  return double(m) + std::log(cpu::sum(e.data(), n));
}

double log_sum_exp(const std::vector<float>& logits) {
  return log_sum_exp(logits.data(), 0, logits.size(), row_max(logits.data(), 0, logits.size()).value);
}

std::vector<double> log_softmax(const std::vector<float>& logits) {
  const double lse = log_sum_exp(logits);
  std::vector<double> out(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) out[i] = double(logits[i]) - lse;
  return out;
}

void LogitFilters::apply(std::vector<float>& logits, const std::vector<int32_t>& tokens) const {
  const bool at_begin = tokens.size() == sample_begin;
  const int64_t n = static_cast<int64_t>(logits.size());
  auto suppress_one = [&](int32_t t) {
    if (t >= 0 && t < n) logits[t] = kNegInf;
  };
  if (suppress_blank && at_begin) {
    for (int32_t t : tok->encode(" ")) suppress_one(t);
    suppress_one(tok->eot());
  }
  for (int32_t t : suppress) suppress_one(t);
  if (!timestamps) return;

  const int32_t ts_begin = tok->timestamp_begin(), eot = tok->eot();
  suppress_one(tok->no_timestamps());  // handled by without_timestamps
  // Timestamps come in pairs, except directly before EOT.
  const std::vector<int32_t> seq(tokens.begin() + static_cast<std::ptrdiff_t>(sample_begin), tokens.end());
  const bool last_ts = !seq.empty() && seq.back() >= ts_begin;
  const bool penultimate_ts = seq.size() < 2 || seq[seq.size() - 2] >= ts_begin;
  if (last_ts) {
    if (penultimate_ts)
      fill(logits, ts_begin, n);
    else
      fill(logits, 0, eot);
  }
  // Timestamps never decrease, and a segment has a nonzero length.
  int32_t last_timestamp = -1;
  for (int32_t t : seq)
    if (t >= ts_begin) last_timestamp = t;
  if (last_timestamp >= 0) fill(logits, ts_begin, (last_ts && !penultimate_ts) ? last_timestamp : last_timestamp + 1);
  if (at_begin) {
    fill(logits, 0, ts_begin);  // start with a timestamp
    if (max_initial_timestamp_index) fill(logits, int64_t(ts_begin) + *max_initial_timestamp_index + 1, n);
  }
  // When the timestamps' summed probability beats every text token, sample a timestamp.
  const size_t tb = static_cast<size_t>(std::min<int64_t>(ts_begin, n));
  const double ts_lse = log_sum_exp(logits.data(), tb, logits.size(), row_max(logits.data(), tb, logits.size()).value);
  if (ts_lse > double(row_max(logits.data(), 0, tb).value)) fill(logits, 0, ts_begin);
}

}  // namespace vkflow::models::whisper
