#pragma once
// Whisper (openai names, as whisper.cpp's ggml .bin and the .pt store them): weights and peak
// memory to transcribe an audio clip in 30 s windows. Per window the encoder runs once over
// 1500 frames; the decoder generates up to n_text_ctx/2 tokens per beam with a self-attention
// KV cache per beam and one cross-attention KV (computed once per window, shared by beams).
#include <cstdint>
#include <vector>

#include "runtime/models/footprint.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::models {

struct WhisperRequest {
  double audio_seconds = 30;
  int beam = 1;            // 1 = greedy
  int act_bytes = 4;
};

struct WhisperDims {
  int64_t n_mels = 80, n_audio_ctx = 1500, n_audio_state = 512, n_audio_layer = 6;
  int64_t n_text_ctx = 448, n_text_state = 512, n_text_layer = 6, n_vocab = 51865;
};
// Read from tensor shapes (the .bin hparams say the same).
WhisperDims whisper_dims(const ModelHeader& h);

// One footprint: the attention kernels are tiled on both backends (no score matrix), so no
// chunking option would lower the peak.
std::vector<Footprint> whisper_estimate(const ModelHeader& h, const WhisperRequest& r, DeviceKind device);

}  // namespace vkflow::models
