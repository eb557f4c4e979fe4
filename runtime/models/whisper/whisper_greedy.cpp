#include "runtime/models/whisper/whisper_greedy.hpp"

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/whisper/whisper_decoder.hpp"
#include "runtime/models/whisper/whisper_logit_filters.hpp"

namespace vkflow::models::whisper {
namespace {

constexpr double kChunkSeconds = 30.0;

int32_t argmax(const std::vector<float>& v) {
  size_t best = 0;
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i] > v[best]) best = i;
  return static_cast<int32_t>(best);
}

}  // namespace

DecodingResult decode_greedy(const WhisperModel& model, const Tensor& audio_features,
                             const text::WhisperTokenizer& tok, const DecodingOptions& opt) {
  const Hparams& hp = model.hparams();
  if (tok.n_vocab() != hp.n_vocab)
    throw Error("whisper decode: tokenizer has " + std::to_string(tok.n_vocab()) + " tokens, the model " +
                std::to_string(hp.n_vocab));
  if (opt.task != "transcribe" && opt.task != "translate")
    throw Error("whisper decode: task must be 'transcribe' or 'translate', not '" + opt.task + "'");
  std::vector<int32_t> tokens = tok.sot_sequence(opt.language, opt.task);
  if (opt.without_timestamps) tokens.push_back(tok.no_timestamps());

  LogitFilters filters;
  filters.tok = &tok;
  filters.sample_begin = tokens.size();
  filters.suppress_blank = opt.suppress_blank;
  filters.suppress = parse_suppress_tokens(opt.suppress_tokens, tok);
  filters.timestamps = !opt.without_timestamps;
  if (opt.max_initial_timestamp) {
    const double precision = kChunkSeconds / static_cast<double>(hp.n_audio_ctx);
    filters.max_initial_timestamp_index = static_cast<int32_t>(std::nearbyint(*opt.max_initial_timestamp / precision));
  }
  const int sample_len = opt.sample_len > 0 ? opt.sample_len : static_cast<int>(hp.n_text_ctx / 2);

  WhisperDecoder dec(model, audio_features);
  DecodingResult r;
  std::vector<int32_t> pending = tokens;
  for (int i = 0; i < sample_len; ++i) {
    const Tensor logits = dec.forward(pending);
    const int64_t n = logits.dim(1);
    std::vector<float> row = logits.view({n, hp.n_vocab}).slice0(n - 1, n).to_f32();
    filters.apply(row, tokens);
    const int32_t next = argmax(row);
    r.sum_logprob += log_softmax(row)[next];
    tokens.push_back(next);
    if (next == tok.eot() || static_cast<int64_t>(tokens.size()) > hp.n_text_ctx) break;
    pending = {next};
  }
  r.tokens.assign(tokens.begin() + static_cast<std::ptrdiff_t>(filters.sample_begin), tokens.end());
  if (!r.tokens.empty() && r.tokens.back() == tok.eot()) r.tokens.pop_back();
  r.avg_logprob = r.sum_logprob / static_cast<double>(r.tokens.size() + 1);
  return r;
}

}  // namespace vkflow::models::whisper
