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
  Tensor forward(const std::vector<int32_t>& tokens);
  // Drops the self-attention cache (the cross-attention K/V stay).
  void reset();
  int64_t length() const { return length_; }

 private:
  struct LayerCache {
    Tensor cross_k, cross_v;  // [1, H, n_audio_ctx, Dh]
    Tensor self_k, self_v;    // [1, H, length, Dh] or undefined
  };
  const WhisperModel* model_;
  std::vector<LayerCache> layers_;
  int64_t length_ = 0;
};

}  // namespace vkflow::models::whisper
