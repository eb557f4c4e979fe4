#pragma once
// Whisper's text decoder over one audio window: cross-attention K/V are computed once from
// the encoder output; self-attention K/V grow in a cache kept on the model's device, so each
// step only runs the new tokens.
#include <cstdint>
#include <vector>

#include "runtime/models/whisper/whisper_model.hpp"

namespace vkflow::models::whisper {

class WhisperDecoder {
 public:
  // audio_features: [1, n_audio_ctx, n_audio_state] from WhisperModel::encode.
  WhisperDecoder(const WhisperModel& model, const Tensor& audio_features);

  // Runs `tokens` after the cached ones; logits [1, tokens.size(), n_vocab] f32 for them.
  // Needs a single-row cache (rows() == 1).
  Tensor forward(const std::vector<int32_t>& tokens);

  // Batched decoding (beam search): the cache holds rows() sequences of equal length.
  // step(): one more token for every row, logits [rows, 1, n_vocab]. select_rows(): the new
  // batch's row i continues the current row sources[i] (rows may be repeated or dropped); the
  // caches are gathered when the next step()/forward() runs, in one op per tensor.
  Tensor step(const std::vector<int32_t>& tokens);
  void select_rows(const std::vector<size_t>& sources);
  int64_t rows() const { return rows_; }
  // Drops the self-attention cache (the cross-attention K/V stay).
  void reset();
  int64_t length() const { return length_; }

 private:
  struct LayerCache {
    Tensor cross_k, cross_v;  // [1, H, n_audio_ctx, Dh], f16 where the device's attention takes it
    Tensor self_k, self_v;    // [rows, H, length, Dh] or undefined
  };
  void apply_selection(const Tensor& idx);
  // Uploads the step's token ids (and the pending row selection, then applied).
  Tensor upload_inputs(const std::vector<int32_t>& tokens, Shape shape);
  // Token plus position embeddings of `tokens` (checked against the vocabulary) as `shape`.
  Tensor embed(const std::vector<int32_t>& tokens, Shape shape);
  // Self-attention projections of x (layer norm included): appends the new keys/values to c,
  // returns the queries.
  Tensor self_attention_queries(const BlockWeights& b, LayerCache& c, const Tensor& x) const;
  // Next-token logits of the last layer's output (final layer norm included).
  Tensor logits(const Tensor& x) const;

  const WhisperModel* model_;
  std::vector<LayerCache> layers_;
  std::vector<int32_t> pending_;  // select_rows() not yet applied (empty: none)
  int64_t length_ = 0;
  int64_t rows_ = 1;
};

}  // namespace vkflow::models::whisper
