#include "runtime/models/whisper/whisper_decoder.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "runtime/core/error.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/cast.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"

namespace vkflow::models::whisper {

WhisperDecoder::WhisperDecoder(const WhisperModel& model, const Tensor& audio_features) : model_(&model) {
  const Hparams& hp = model.hparams();
  if (audio_features.rank() != 3 || audio_features.dim(0) != 1 || audio_features.dim(2) != hp.n_text_state)
    throw Error("whisper decoder: audio features must be [1, L, " + std::to_string(hp.n_text_state) + "]");
  // Every step reads the whole cross K/V (on the CPU as many bytes as the layer's weights):
  // kept in f16 where the device's attention takes f16 keys/values, as whisper.cpp does.
  const bool half = model.device().supports("attention", DType::F16);
  auto cache = [&](const Tensor& t) {
    const Tensor heads = split_heads(t, hp.n_text_head);
    return half ? ops::cast(heads, DType::F16) : heads;
  };
  for (const BlockWeights& b : model.decoder_blocks()) {
    LayerCache c;
    c.cross_k = cache(ops::linear(audio_features, b.cross.k_w));
    c.cross_v = cache(ops::linear(audio_features, b.cross.v_w, b.cross.v_b));
    layers_.push_back(std::move(c));
  }
}

void WhisperDecoder::reset() {
  for (LayerCache& c : layers_) c.self_k = c.self_v = Tensor();
  length_ = 0;
  rows_ = 1;
  pending_.clear();
}

void WhisperDecoder::select_rows(const std::vector<size_t>& sources) {
  if (sources.empty()) throw Error("whisper decoder: no rows selected");
  bool identity = static_cast<int64_t>(sources.size()) == rows_;
  for (size_t i = 0; i < sources.size(); ++i) {
    if (static_cast<int64_t>(sources[i]) >= rows_) throw Error("whisper decoder: row " + std::to_string(sources[i]) + " out of range");
    identity = identity && sources[i] == i;
  }
  // Composes with a selection not yet applied: new row i is old row pending_[sources[i]].
  std::vector<int32_t> rows(sources.size());
  for (size_t i = 0; i < sources.size(); ++i) rows[i] = pending_.empty() ? static_cast<int32_t>(sources[i]) : pending_[sources[i]];
  pending_ = identity && pending_.empty() ? std::vector<int32_t>{} : std::move(rows);
  rows_ = static_cast<int64_t>(sources.size());
}

void WhisperDecoder::apply_selection(const Tensor& idx) {
  // One gather per cache tensor: its rows are the table's rows (get_rows on f32 is a copy).
  auto pick = [&](const Tensor& t) {
    if (!t.defined()) return t;
    Shape shape = t.shape();
    shape[0] = idx.dim(0);
    return ops::get_rows(t.view({t.dim(0), t.numel() / t.dim(0)}), idx).view(shape);
  };
  for (LayerCache& c : layers_) {
    c.self_k = pick(c.self_k);
    c.self_v = pick(c.self_v);
  }
  pending_.clear();
}

Tensor WhisperDecoder::upload_inputs(const std::vector<int32_t>& tokens, Shape shape) {
  // One upload before any op is recorded: where device memory is written directly a host
  // write waits for the queue (idle here), and a second staged upload would wait for the
  // first one's copy. The row selection starts 256 bytes in, so its binding stays aligned.
  const int64_t n = static_cast<int64_t>(tokens.size()), at = pending_.empty() ? n : (n + 63) / 64 * 64;
  std::vector<int32_t> host(static_cast<size_t>(at + static_cast<int64_t>(pending_.size())), 0);
  std::copy(tokens.begin(), tokens.end(), host.begin());
  std::copy(pending_.begin(), pending_.end(), host.begin() + at);
  const Tensor all = Tensor::from_host(model_->device(), DType::I32, {static_cast<int64_t>(host.size())}, host.data());
  if (!pending_.empty()) apply_selection(all.slice0(at, static_cast<int64_t>(host.size())));
  return all.slice0(0, n).view(std::move(shape));
}

Tensor WhisperDecoder::embed(const std::vector<int32_t>& tokens, Shape shape) {
  const Hparams& hp = model_->hparams();
  for (int32_t t : tokens)
    if (t < 0 || t >= hp.n_vocab) throw Error("whisper decoder: token id " + std::to_string(t) + " out of range");
  const int64_t n = static_cast<int64_t>(shape.back());
  const Tensor ids = upload_inputs(tokens, std::move(shape));
  return ops::add(ops::get_rows(model_->token_embedding(), ids), model_->decoder_positions().slice0(length_, length_ + n));
}

Tensor WhisperDecoder::self_attention_queries(const BlockWeights& b, LayerCache& c, const Tensor& x) const {
  const int64_t H = model_->hparams().n_text_head, D = model_->hparams().n_text_state;
  Tensor q, k, v;
  if (x.numel() == D && b.attn.qkv_w.defined()) {
    // One row: its layer norm, q, k and v in one product; q, k, v are views of the [3D] result.
    const Tensor qkv = ops::linear(x, b.attn.qkv_w, b.attn.qkv_b, {.norm_w = b.attn_ln_w, .norm_b = b.attn_ln_b}).view({3, D});
    q = split_heads(qkv.slice0(0, 1).view(x.shape()), H);
    k = split_heads(qkv.slice0(1, 2).view(x.shape()), H);
    v = split_heads(qkv.slice0(2, 3).view(x.shape()), H);
  } else {
    const Tensor h = ops::layer_norm(x, b.attn_ln_w, b.attn_ln_b);
    q = split_heads(ops::linear(h, b.attn.q_w, b.attn.q_b), H);
    k = split_heads(ops::linear(h, b.attn.k_w), H);
    v = split_heads(ops::linear(h, b.attn.v_w, b.attn.v_b), H);
  }
  c.self_k = c.self_k.defined() ? ops::concat({c.self_k, k}, 2) : k;
  c.self_v = c.self_v.defined() ? ops::concat({c.self_v, v}, 2) : v;
  return q;
}

Tensor WhisperDecoder::logits(const Tensor& x) const {
  // Not the matvec's layer-norm prologue: its ~13k workgroups would each take the row's
  // statistics again; one layer-norm dispatch is cheaper here.
  return ops::linear(ops::layer_norm(x, model_->decoder_ln_w(), model_->decoder_ln_b()), model_->token_embedding());
}

Tensor WhisperDecoder::step(const std::vector<int32_t>& tokens) {
  const Hparams& hp = model_->hparams();
  const int64_t B = static_cast<int64_t>(tokens.size()), D = hp.n_text_state;
  if (B != rows_) throw Error("whisper decoder: " + std::to_string(B) + " tokens for " + std::to_string(rows_) + " rows");
  if (length_ == 0) throw Error("whisper decoder: step() continues a prefix; run forward() first");
  if (length_ + 1 > hp.n_text_ctx)
    throw Error("whisper decoder: " + std::to_string(length_ + 1) + " tokens exceed the text context of " +
                std::to_string(hp.n_text_ctx));
  Tensor x = embed(tokens, {B, 1});

  const auto& blocks = model_->decoder_blocks();
  for (size_t l = 0; l < blocks.size(); ++l) {
    const BlockWeights& b = blocks[l];
    LayerCache& c = layers_[l];
    // Self-attention: each row's one query sees its own cached keys (no mask needed).
    Tensor q = self_attention_queries(b, c, x);
    Tensor o = ops::attention(q, c.self_k, c.self_v);
    x = ops::linear(merge_heads(o), b.attn.o_w, b.attn.o_b, {.residual = x});

    // Cross-attention: every row reads the same audio, so the rows become B query positions
    // of one sequence against the single cross K/V (no per-row copies).
    const ops::LinearFusion cross_ln{.norm_w = b.cross_ln_w, .norm_b = b.cross_ln_b};
    q = split_heads(ops::linear(x, b.cross.q_w, b.cross.q_b, cross_ln).view({1, B, D}), hp.n_text_head);
    o = merge_heads(ops::attention(q, c.cross_k, c.cross_v)).view({B, 1, D});
    x = ops::linear(o, b.cross.o_w, b.cross.o_b, {.residual = x});
    x = mlp_residual(b, x);
  }
  length_ += 1;
  return logits(x);
}

Tensor WhisperDecoder::forward(const std::vector<int32_t>& tokens) {
  const Hparams& hp = model_->hparams();
  const int64_t n = static_cast<int64_t>(tokens.size());
  if (n == 0) throw Error("whisper decoder: no tokens");
  if (rows_ != 1) throw Error("whisper decoder: forward() needs a single-row cache");
  if (length_ + n > hp.n_text_ctx)
    throw Error("whisper decoder: " + std::to_string(length_ + n) + " tokens exceed the text context of " +
                std::to_string(hp.n_text_ctx));
  Device& dev = model_->device();
  Tensor x = embed(tokens, {1, n});

  // New queries see every cached key plus the new ones up to themselves.
  const int64_t total = length_ + n;
  Tensor mask;
  bool causal = false;
  if (length_ == 0) {
    causal = true;
  } else if (n > 1) {
    std::vector<float> m(static_cast<size_t>(n * total), 0.0f);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = length_ + i + 1; j < total; ++j) m[i * total + j] = -INFINITY;
    mask = Tensor::from_f32(dev, {n, total}, m);
  }

  const auto& blocks = model_->decoder_blocks();
  for (size_t l = 0; l < blocks.size(); ++l) {
    const BlockWeights& b = blocks[l];
    LayerCache& c = layers_[l];
    Tensor q = self_attention_queries(b, c, x);
    Tensor o = ops::attention(q, c.self_k, c.self_v, mask, causal);
    x = ops::linear(merge_heads(o), b.attn.o_w, b.attn.o_b, {.residual = x});

    q = split_heads(ops::linear(x, b.cross.q_w, b.cross.q_b, {.norm_w = b.cross_ln_w, .norm_b = b.cross_ln_b}),
                    hp.n_text_head);
    o = ops::attention(q, c.cross_k, c.cross_v);
    x = ops::linear(merge_heads(o), b.cross.o_w, b.cross.o_b, {.residual = x});
    x = mlp_residual(b, x);
  }
  length_ = total;
  return logits(x);
}

}  // namespace vkflow::models::whisper
