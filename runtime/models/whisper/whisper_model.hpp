#pragma once
// The Whisper encoder-decoder built from runtime/ops, so it runs on any Device. Weights come
// from a ModelFile under openai-whisper's canonical names (HF folders and whisper.cpp .bin
// alike); sizes are read from the weights, head counts from the file's hparams/config.
#include <string>
#include <vector>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::models::whisper {

struct Hparams {
  int64_t n_mels = 0, n_audio_ctx = 0, n_audio_state = 0, n_audio_head = 0, n_audio_layer = 0;
  int64_t n_vocab = 0, n_text_ctx = 0, n_text_state = 0, n_text_head = 0, n_text_layer = 0;
};

// One multi-head attention: q/v/out have a bias, k has none (as openai-whisper).
struct AttentionWeights {
  Tensor q_w, q_b, k_w, v_w, v_b, o_w, o_b;
  // Decoder self-attention only: q, k and v stacked ([3D, D], bias [3D] with zeros for k) so a
  // one-token step projects them in one product; q_w, k_w and v_w are views of its rows.
  Tensor qkv_w{}, qkv_b{};
};

struct BlockWeights {
  Tensor attn_ln_w, attn_ln_b;
  AttentionWeights attn;
  Tensor cross_ln_w, cross_ln_b;  // decoder only
  AttentionWeights cross;         // decoder only
  Tensor mlp_ln_w, mlp_ln_b, fc1_w, fc1_b, fc2_w, fc2_b;
};

class WhisperModel {
 public:
  // Uploads the weights to `dev`. f16/quantized weights stay at their dtype where the device
  // has a kernel for them (linear, conv1d, get_rows); everything else is cast once to f32.
  static WhisperModel load(const formats::ModelFile& m, Device& dev);

  const Hparams& hparams() const { return hp_; }
  Device& device() const { return *dev_; }

  // mel [n_mels, 2*n_audio_ctx] or [1, n_mels, 2*n_audio_ctx] f32 -> [1, n_audio_ctx, n_audio_state].
  Tensor encode(const Tensor& mel) const;

  // Weights, for the decoder (whisper_decoder.hpp).
  const std::vector<BlockWeights>& decoder_blocks() const { return dec_blocks_; }
  const Tensor& token_embedding() const { return tok_emb_; }
  const Tensor& decoder_positions() const { return dec_pos_; }
  const Tensor& decoder_ln_w() const { return dec_ln_w_; }
  const Tensor& decoder_ln_b() const { return dec_ln_b_; }

 private:
  Device* dev_ = nullptr;
  Hparams hp_;
  Tensor conv1_w_, conv1_b_, conv2_w_, conv2_b_, enc_pos_, enc_ln_w_, enc_ln_b_;
  std::vector<BlockWeights> enc_blocks_, dec_blocks_;
  Tensor tok_emb_, dec_pos_, dec_ln_w_, dec_ln_b_;
};

// Shared by encoder and decoder: x [1, L, D] -> [1, H, L, D/H] and back.
Tensor split_heads(const Tensor& x, int64_t heads);
Tensor merge_heads(const Tensor& x);
// Pre-LN MLP residual: x + fc2(gelu(fc1(ln(x)))).
Tensor mlp_residual(const BlockWeights& b, const Tensor& x);

}  // namespace vkflow::models::whisper
