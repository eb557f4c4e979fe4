#include "runtime/models/whisper/whisper_model.hpp"

#include <algorithm>
#include <cstring>
#include <map>

#include "runtime/core/error.hpp"
#include "runtime/formats/weight_loader.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/conv.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models::whisper {
namespace {

bool ends_with(const std::string& s, std::string_view suffix) { return s.ends_with(suffix); }

// Which op consumes a weight decides whether it may stay at its stored dtype.
bool keep_dtype(const formats::WeightInfo& w, const Device& dev) {
  const std::string& n = w.name;
  if (n == "decoder.token_embedding.weight") return dev.supports("get_rows", w.dtype) && dev.supports("linear", w.dtype);
  if (n == "encoder.conv1.weight" || n == "encoder.conv2.weight") return dev.supports("conv1d", w.dtype);
  for (const char* s : {".query.weight", ".key.weight", ".value.weight", ".out.weight", ".mlp.0.weight", ".mlp.2.weight"})
    if (ends_with(n, s)) return dev.supports("linear", w.dtype);
  return false;
}

int64_t meta_int(const formats::ModelFile& m, const char* bin_key, const char* hf_key, int64_t fallback) {
  const auto& md = m.metadata();
  if (md.contains(bin_key) && md[bin_key].is_number_integer()) return md[bin_key].get<int64_t>();
  if (md.contains("config") && md["config"].contains(hf_key) && md["config"][hf_key].is_number_integer())
    return md["config"][hf_key].get<int64_t>();
  return fallback;
}

class Taker {
 public:
  Taker(std::map<std::string, Tensor>& w, const std::string& file) : w_(w), file_(file) {}
  Tensor operator()(const std::string& name) const {
    auto it = w_.find(name);
    if (it == w_.end()) throw Error(file_ + ": Whisper weight '" + name + "' is missing");
    return it->second;
  }

 private:
  std::map<std::string, Tensor>& w_;
  std::string file_;
};

bool is_self_qkv(const std::string& n) {
  return n.starts_with("decoder.blocks.") &&
         (ends_with(n, ".attn.query.weight") || ends_with(n, ".attn.key.weight") || ends_with(n, ".attn.value.weight"));
}

// Stacks one decoder block's q, k, v weights on the host and uploads them as one tensor
// (their stored dtype, or f32 where the device has no linear kernel for it).
void stack_qkv(const formats::ModelFile& m, Device& dev, const std::string& p, std::map<std::string, Tensor>& w) {
  const std::string names[3] = {p + ".query.weight", p + ".key.weight", p + ".value.weight"};
  const formats::WeightInfo& q = m.at(names[0]);
  for (const std::string& n : names) {
    const formats::WeightInfo& x = m.at(n);
    if (x.dtype != q.dtype || x.shape != q.shape || x.shape.size() != 2)
      throw Error(m.describe() + ": Whisper weight '" + n + "' differs from " + names[0] + " in shape or dtype");
  }
  const int64_t D = q.shape[0], K = q.shape[1];
  const bool f32 = !keep_dtype(q, dev);
  const DType dt = f32 ? DType::F32 : q.dtype;
  const size_t row_bytes = dtype_bytes(dt, K), part = row_bytes * static_cast<size_t>(D);
  std::vector<uint8_t> host(3 * part), scratch;
  for (int i = 0; i < 3; ++i) {
    if (f32) {
      const std::vector<float> v = m.read_f32(names[i]);
      std::memcpy(host.data() + i * part, v.data(), part);
    } else {
      const auto b = m.bytes(m.at(names[i]), scratch);
      if (b.size() != part) throw Error(m.describe() + ": Whisper weight '" + names[i] + "' has the wrong size");
      std::memcpy(host.data() + i * part, b.data(), part);
    }
  }
  const Tensor all = Tensor::from_host(dev, dt, {3 * D, K}, host.data());
  for (int i = 0; i < 3; ++i) w[names[i]] = all.slice0(i * D, (i + 1) * D);
  w[p + ".qkv.weight"] = all;
  std::vector<float> bias(static_cast<size_t>(3 * D), 0.0f);
  const std::vector<float> qb = m.read_f32(p + ".query.bias"), vb = m.read_f32(p + ".value.bias");
  if (static_cast<int64_t>(qb.size()) != D || static_cast<int64_t>(vb.size()) != D)
    throw Error(m.describe() + ": Whisper biases of " + p + " do not match its weights");
  std::copy(qb.begin(), qb.end(), bias.begin());
  std::copy(vb.begin(), vb.end(), bias.begin() + 2 * D);
  w[p + ".qkv.bias"] = Tensor::from_f32(dev, {3 * D}, bias);
}

AttentionWeights take_attention(const Taker& t, const std::string& p) {
  return {t(p + ".query.weight"), t(p + ".query.bias"), t(p + ".key.weight"), t(p + ".value.weight"),
          t(p + ".value.bias"),   t(p + ".out.weight"), t(p + ".out.bias")};
}

BlockWeights take_block(const Taker& t, const std::string& p, bool cross) {
  BlockWeights b;
  b.attn_ln_w = t(p + ".attn_ln.weight");
  b.attn_ln_b = t(p + ".attn_ln.bias");
  b.attn = take_attention(t, p + ".attn");
  if (cross) {
    b.attn.qkv_w = t(p + ".attn.qkv.weight");
    b.attn.qkv_b = t(p + ".attn.qkv.bias");
    b.cross_ln_w = t(p + ".cross_attn_ln.weight");
    b.cross_ln_b = t(p + ".cross_attn_ln.bias");
    b.cross = take_attention(t, p + ".cross_attn");
  }
  b.mlp_ln_w = t(p + ".mlp_ln.weight");
  b.mlp_ln_b = t(p + ".mlp_ln.bias");
  b.fc1_w = t(p + ".mlp.0.weight");
  b.fc1_b = t(p + ".mlp.0.bias");
  b.fc2_w = t(p + ".mlp.2.weight");
  b.fc2_b = t(p + ".mlp.2.bias");
  return b;
}

size_t count_blocks(const std::map<std::string, Tensor>& w, const std::string& prefix) {
  size_t n = 0;
  while (w.count(prefix + std::to_string(n) + ".attn_ln.weight")) ++n;
  return n;
}

// residual + attention(x): the residual is added as the output projection stores.
Tensor self_attention(const AttentionWeights& a, const Tensor& x, int64_t heads, const Tensor& residual) {
  Tensor q = ops::linear(x, a.q_w, a.q_b);
  Tensor k = ops::linear(x, a.k_w);
  Tensor v = ops::linear(x, a.v_w, a.v_b);
  Tensor o = ops::attention(split_heads(q, heads), split_heads(k, heads), split_heads(v, heads));
  return ops::linear(merge_heads(o), a.o_w, a.o_b, {.residual = residual});
}

}  // namespace

// One position (a decoding step) has the same bytes in both layouts: a view, no copy.
Tensor split_heads(const Tensor& x, int64_t heads) {
  const int64_t B = x.dim(0), L = x.dim(1), D = x.dim(2);
  if (L == 1) return x.view({B, heads, 1, D / heads});
  return ops::permute(x.view({B, L, heads, D / heads}), {0, 2, 1, 3});
}

Tensor merge_heads(const Tensor& x) {
  const int64_t B = x.dim(0), H = x.dim(1), L = x.dim(2), Dh = x.dim(3);
  if (L == 1) return x.view({B, 1, H * Dh});
  return ops::permute(x, {0, 2, 1, 3}).view({B, L, H * Dh});
}

Tensor mlp_residual(const BlockWeights& b, const Tensor& x) {
  const Tensor h = ops::linear(x, b.fc1_w, b.fc1_b, {.norm_w = b.mlp_ln_w, .norm_b = b.mlp_ln_b, .gelu = true});
  return ops::linear(h, b.fc2_w, b.fc2_b, {.residual = x});
}

WhisperModel WhisperModel::load(const formats::ModelFile& m, Device& dev) {
  if (m.detection().arch != formats::arch::kWhisper)
    throw Error(m.describe() + ": not a Whisper model (detected '" + std::string(m.detection().arch) + "')");
  formats::LoadOptions opt;
  opt.select = [](const formats::WeightInfo& w) { return w.name != "mel_filters" && !is_self_qkv(w.name); };
  opt.as_f32 = [&dev](const formats::WeightInfo& w) { return !keep_dtype(w, dev); };
  auto w = formats::load_weights(m, dev, opt);
  for (size_t i = 0; m.find("decoder.blocks." + std::to_string(i) + ".attn.query.weight"); ++i)
    stack_qkv(m, dev, "decoder.blocks." + std::to_string(i) + ".attn", w);
  const Taker t(w, m.describe());

  WhisperModel r;
  r.dev_ = &dev;
  r.conv1_w_ = t("encoder.conv1.weight");
  r.conv1_b_ = t("encoder.conv1.bias");
  r.conv2_w_ = t("encoder.conv2.weight");
  r.conv2_b_ = t("encoder.conv2.bias");
  r.enc_pos_ = t("encoder.positional_embedding");
  r.enc_ln_w_ = t("encoder.ln_post.weight");
  r.enc_ln_b_ = t("encoder.ln_post.bias");
  r.tok_emb_ = t("decoder.token_embedding.weight");
  r.dec_pos_ = t("decoder.positional_embedding");
  r.dec_ln_w_ = t("decoder.ln.weight");
  r.dec_ln_b_ = t("decoder.ln.bias");
  const size_t n_enc = count_blocks(w, "encoder.blocks."), n_dec = count_blocks(w, "decoder.blocks.");
  for (size_t i = 0; i < n_enc; ++i) r.enc_blocks_.push_back(take_block(t, "encoder.blocks." + std::to_string(i), false));
  for (size_t i = 0; i < n_dec; ++i) r.dec_blocks_.push_back(take_block(t, "decoder.blocks." + std::to_string(i), true));

  Hparams& hp = r.hp_;
  hp.n_mels = r.conv1_w_.dim(1);
  hp.n_audio_state = r.conv1_w_.dim(0);
  hp.n_audio_ctx = r.enc_pos_.dim(0);
  hp.n_audio_layer = static_cast<int64_t>(n_enc);
  hp.n_vocab = r.tok_emb_.dim(0);
  hp.n_text_state = r.tok_emb_.dim(1);
  hp.n_text_ctx = r.dec_pos_.dim(0);
  hp.n_text_layer = static_cast<int64_t>(n_dec);
  // Head counts are not visible in the weights; 64-wide heads is every released size.
  hp.n_audio_head = meta_int(m, "n_audio_head", "encoder_attention_heads", hp.n_audio_state / 64);
  hp.n_text_head = meta_int(m, "n_text_head", "decoder_attention_heads", hp.n_text_state / 64);
  if (n_enc == 0 || n_dec == 0 || hp.n_audio_head <= 0 || hp.n_text_head <= 0 ||
      hp.n_audio_state % hp.n_audio_head || hp.n_text_state % hp.n_text_head)
    throw Error(m.describe() + ": inconsistent Whisper sizes (layers or heads)");
  return r;
}

Tensor WhisperModel::encode(const Tensor& mel_in) const {
  Tensor mel = mel_in.rank() == 2 ? mel_in.view({1, mel_in.dim(0), mel_in.dim(1)}) : mel_in;
  if (mel.rank() != 3 || mel.dim(0) != 1 || mel.dim(1) != hp_.n_mels || mel.dim(2) != 2 * hp_.n_audio_ctx)
    throw Error("whisper encode: mel must be [" + std::to_string(hp_.n_mels) + ", " +
                std::to_string(2 * hp_.n_audio_ctx) + "]");
  Tensor x = ops::gelu(ops::conv1d(mel, conv1_w_, conv1_b_, {.stride = 1, .pad = 1}));
  x = ops::gelu(ops::conv1d(x, conv2_w_, conv2_b_, {.stride = 2, .pad = 1}));
  x = ops::add(ops::permute(x, {0, 2, 1}), enc_pos_);
  for (const BlockWeights& b : enc_blocks_) {
    x = self_attention(b.attn, ops::layer_norm(x, b.attn_ln_w, b.attn_ln_b), hp_.n_audio_head, x);
    x = mlp_residual(b, x);
  }
  return ops::layer_norm(x, enc_ln_w_, enc_ln_b_);
}

}  // namespace vkflow::models::whisper
