#include "runtime/models/whisper/whisper_decoding.hpp"

#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/whisper/whisper_decoder.hpp"
#include "runtime/models/whisper/whisper_logit_filters.hpp"
#include "runtime/models/whisper/whisper_search.hpp"
#include "runtime/text/whisper_languages.hpp"

namespace vkflow::models::whisper {
namespace {

constexpr double kChunkSeconds = 30.0;
using Clock = std::chrono::steady_clock;

std::vector<float> logits_row(const Tensor& logits, int64_t row) {
  const int64_t n = logits.dim(1), v = logits.dim(2);
  return logits.view({n, v}).slice0(row, row + 1).to_f32();
}

// One decoder call (ops recorded or run from t0 to t1) and its read-back (t1 to now).
void account(DecodeStats* st, Clock::time_point t0, Clock::time_point t1, size_t floats) {
  if (!st) return;
  const auto t2 = Clock::now();
  st->model_calls += 1;
  st->model_ms += std::chrono::duration<double, std::milli>(t1 - t0).count();
  st->readback_ms += std::chrono::duration<double, std::milli>(t2 - t1).count();
  st->readback_bytes += floats * sizeof(float);
}

// A WhisperDecoder as a search state: forks share the cross-attention K/V and the cached
// self-attention tensors (ops never modify a tensor in place, so sharing is safe).
class DecoderState final : public SequenceState {
 public:
  DecoderState(WhisperDecoder d, DecodeStats* st) : dec_(std::move(d)), st_(st) {}
  std::unique_ptr<SequenceState> fork() const override { return std::make_unique<DecoderState>(dec_, st_); }
  std::vector<float> feed(const std::vector<int32_t>& tokens) override {
    const auto t0 = Clock::now();
    const Tensor logits = dec_.forward(tokens);
    const auto t1 = Clock::now();
    std::vector<float> row = logits_row(logits, logits.dim(1) - 1);
    account(st_, t0, t1, row.size());
    return row;
  }
  WhisperDecoder& decoder() { return dec_; }

 private:
  WhisperDecoder dec_;
  DecodeStats* st_;
};

// Beam search's batch: all beams in one decoder whose cache rows are reordered each step.
class DecoderBatch final : public BatchState {
 public:
  DecoderBatch(WhisperDecoder d, DecodeStats* st) : dec_(std::move(d)), st_(st) {}
  std::vector<std::vector<float>> step(const std::vector<size_t>& sources, const std::vector<int32_t>& tokens) override {
    const auto t0 = Clock::now();
    dec_.select_rows(sources);
    const Tensor logits = dec_.step(tokens);
    const auto t1 = Clock::now();
    const std::vector<float> all = logits.to_f32();
    account(st_, t0, t1, all.size());
    const size_t v = all.size() / tokens.size();
    std::vector<std::vector<float>> rows;
    for (size_t i = 0; i < tokens.size(); ++i) rows.emplace_back(all.begin() + i * v, all.begin() + (i + 1) * v);
    return rows;
  }

 private:
  WhisperDecoder dec_;
  DecodeStats* st_;
};

std::string strip(const std::string& s) {
  const size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return {};
  return s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1);
}

void check_options(const DecodingOptions& opt) {
  if (opt.task != "transcribe" && opt.task != "translate")
    throw Error("whisper decode: task must be 'transcribe' or 'translate', not '" + opt.task + "'");
  if (!(opt.temperature >= 0)) throw Error("whisper decode: temperature must be >= 0");
  if (opt.beam_size < 0 || opt.best_of < 0) throw Error("whisper decode: beam_size and best_of must be >= 0");
  if (!(opt.patience > 0)) throw Error("whisper decode: patience must be positive");
}

}  // namespace

double compression_ratio(const std::string& text) {
  if (text.empty()) return 0;
  uLongf n = compressBound(static_cast<uLong>(text.size()));
  std::vector<Bytef> out(n);
  if (compress2(out.data(), &n, reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK)
    throw Error("compression_ratio: zlib failed");
  return static_cast<double>(text.size()) / static_cast<double>(n);
}

std::vector<std::pair<std::string, double>> detect_language(const WhisperModel& model, const Tensor& audio_features,
                                                            const text::WhisperTokenizer& tok) {
  const auto langs = tok.all_language_tokens();
  if (langs.empty() || tok.num_languages() == 0 || tok.n_vocab() < 51865)
    throw Error("whisper: this model is English-only; language detection needs a multilingual model");
  WhisperDecoder dec(model, audio_features);
  const std::vector<float> row = logits_row(dec.forward({tok.sot()}), 0);
  double m = -INFINITY;
  for (int32_t t : langs) m = std::max(m, double(row[t]));
  double total = 0;
  for (int32_t t : langs) total += std::exp(double(row[t]) - m);
  std::vector<std::pair<std::string, double>> out;
  const auto all = text::whisper_languages();
  for (int32_t t : langs)
    out.emplace_back(std::string(all[static_cast<size_t>(t - tok.sot() - 1)].code), std::exp(double(row[t]) - m) / total);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  return out;
}

DecodingResult decode(const WhisperModel& model, const Tensor& audio_features, const text::WhisperTokenizer& tok,
                      const DecodingOptions& opt) {
  const Hparams& hp = model.hparams();
  if (tok.n_vocab() != hp.n_vocab)
    throw Error("whisper decode: tokenizer has " + std::to_string(tok.n_vocab()) + " tokens, the model " +
                std::to_string(hp.n_vocab));
  check_options(opt);
  DecodingResult r;
  r.temperature = opt.temperature;
  r.language = opt.language.empty() ? detect_language(model, audio_features, tok).front().first : opt.language;
  if (auto idx = text::whisper_language_index(r.language)) r.language = std::string(text::whisper_languages()[*idx].code);

  // [<|startofprev|> prompt...] <|startoftranscript|> <|lang|> <|task|> [<|notimestamps|>]
  std::vector<int32_t> initial;
  if (!opt.prompt.empty()) {
    const size_t keep = std::min(opt.prompt.size(), static_cast<size_t>(hp.n_text_ctx / 2 - 1));
    initial.push_back(tok.sot_prev());
    initial.insert(initial.end(), opt.prompt.end() - static_cast<std::ptrdiff_t>(keep), opt.prompt.end());
  }
  const size_t sot_index = initial.size();
  for (int32_t t : tok.sot_sequence(r.language, opt.task)) initial.push_back(t);
  if (opt.without_timestamps) initial.push_back(tok.no_timestamps());

  LogitFilters filters;
  filters.tok = &tok;
  filters.sample_begin = initial.size();
  filters.suppress_blank = opt.suppress_blank;
  filters.suppress = parse_suppress_tokens(opt.suppress_tokens, tok);
  filters.timestamps = !opt.without_timestamps;
  if (opt.max_initial_timestamp) {
    const double precision = kChunkSeconds / static_cast<double>(hp.n_audio_ctx);
    filters.max_initial_timestamp_index = static_cast<int32_t>(std::nearbyint(*opt.max_initial_timestamp / precision));
  }
  SearchConfig cfg;
  cfg.filters = &filters;
  cfg.eot = tok.eot();
  cfg.sample_len = opt.sample_len > 0 ? opt.sample_len : static_cast<int>(hp.n_text_ctx / 2);
  cfg.n_ctx = hp.n_text_ctx;
  cfg.ignore_eot = opt.ignore_eot;

  DecoderState start(WhisperDecoder(model, audio_features), opt.stats);
  const auto t0 = Clock::now();
  const Tensor first = start.decoder().forward(initial);
  const auto t1 = Clock::now();
  {
    const std::vector<float> at_sot = logits_row(first, static_cast<int64_t>(sot_index));
    const double m = *std::max_element(at_sot.begin(), at_sot.end());
    double total = 0;
    for (float v : at_sot) total += std::exp(double(v) - m);
    r.no_speech_prob = std::exp(double(at_sot[tok.no_speech()]) - m) / total;
  }
  std::vector<float> first_logits = logits_row(first, first.dim(1) - 1);
  account(opt.stats, t0, t1, 2 * first_logits.size());

  std::vector<Hypothesis> candidates;
  if (opt.temperature == 0 && opt.beam_size > 0) {
    DecoderBatch batch(start.decoder(), opt.stats);
    candidates = beam_search(batch, std::move(first_logits), initial, opt.beam_size, opt.patience, cfg);
  } else {
    const int n = opt.temperature > 0 ? std::max(opt.best_of, 1) : 1;
    std::mt19937_64 rng(opt.seed);
    for (int i = 0; i < n; ++i) {
      auto state = start.fork();
      candidates.push_back(sample_sequence(*state, first_logits, initial, opt.temperature, rng, cfg));
    }
  }
  Hypothesis best = best_ranked(candidates);
  r.tokens = std::move(best.tokens);
  r.token_logprobs = std::move(best.logprobs);
  r.sum_logprob = best.sum_logprob;
  r.avg_logprob = r.sum_logprob / static_cast<double>(r.tokens.size() + 1);
  r.text = strip(tok.decode(r.tokens));
  r.compression_ratio = compression_ratio(r.text);
  return r;
}

}  // namespace vkflow::models::whisper
