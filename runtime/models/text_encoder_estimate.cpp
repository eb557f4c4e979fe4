#include "runtime/models/text_encoder_estimate.hpp"

#include <algorithm>
#include <thread>

#include "runtime/models/estimate_common.hpp"
#include "runtime/models/live_bytes.hpp"

namespace vkflow::models {

namespace {
// Linear-layer FLOPs: every 2-D weight except the embedding tables applies once per token.
double linear_flops(const ModelHeader& h, const std::string& prefix, double tokens) {
  double f = 0;
  for (const auto& t : h.tensors) {
    if (t.name.compare(0, prefix.size(), prefix) != 0 || t.shape.size() != 2) continue;
    if (t.name.find("embed") != std::string::npos || t.name.find("shared") != std::string::npos) continue;
    f += 2.0 * numel(t.shape) * tokens;
  }
  return f;
}
}  // namespace

std::vector<Footprint> clip_text_estimate(const ModelHeader& h, const std::string& prefix,
                                          const TextEncodeRequest& r, DeviceKind device) {
  const auto& tok = h.at(prefix + "embeddings.token_embedding.weight");
  const double d = static_cast<double>(tok.shape[1]);
  const double ff = static_cast<double>(h.at(prefix + "encoder.layers.0.mlp.fc1.weight").shape[0]);
  const int layers = h.count_blocks(prefix + "encoder.layers.");
  // CLIP text models use 64-wide heads (ViT-L: 12 x 64) unless the file says otherwise.
  const double heads = static_cast<double>(metadata_count(h.metadata, "vkflow.clip.num_heads", std::max<int64_t>(1, tok.shape[1] / 64)));
  const double T = static_cast<double>(r.tokens) * r.batch;
  Footprint f;
  f.device = device;
  f.label = "full";
  f.weights = {weights_of(h, prefix, "clip_text", device)};
  // models::ClipTextModel::encode: the hidden state, one layer's temporaries at a time, and
  // the final norm (a kept clip-skip state adds one more T x d at most).
  LiveBytes m(device, r.act_bytes);
  auto lin = [&](const char* name, double n, double k) {
    const auto& t = h.at(prefix + "encoder.layers.0." + name + ".weight");
    return m.op(T * n, m.linear_scratch(T, n, k, resident_dtype(t.dtype, DeviceKind::Cpu)));
  };
  m.alloc(static_cast<double>(r.tokens * r.batch) * 4);  // the ids
  double e = m.op(T * d), x = m.op(T * d);  // token rows, + positions
  m.free(e);
  for (int i = 0; i < std::min(layers, 2); ++i) {  // every layer allocates alike; the second frees the first's input
    double h1 = m.op(T * d);
    double q = lin("self_attn.q_proj", d, d), k = lin("self_attn.k_proj", d, d), v = lin("self_attn.v_proj", d, d);
    const double split = heads > 1 ? 1 : 0;  // one head: no head-split copies
    double sp = m.op(split * 3 * T * d), o = m.op(T * d, m.attention_scratch(r.batch * heads, r.tokens, r.tokens, d / heads));
    double mg = m.op(split * T * d);
    m.free(sp + o + h1 + q + k + v);
    double op = lin("self_attn.out_proj", d, d), res = m.op(T * d);
    m.free(op);
    double h2 = m.op(T * d);
    m.free(mg);
    double f1 = lin("mlp.fc1", ff, d);
    m.free(h2);
    double g = m.op(T * ff);
    m.free(f1);
    double f2 = lin("mlp.fc2", d, ff), y = m.op(T * d);
    m.free(f2 + g + res + x);
    x = y;
  }
  m.op(2 * T * d);  // final norm (and the kept state's, with clip skip)
  f.peak_bytes = static_cast<uint64_t>(m.peak());
  f.largest_alloc = static_cast<uint64_t>(m.largest());
  f.flops = linear_flops(h, prefix, T) + layers * 4.0 * r.tokens * r.tokens * d * r.batch;
  f.bytes_moved = static_cast<double>(f.weights[0].bytes) + 10.0 * f.peak_bytes;
  return {f};
}

namespace {
// Device bytes of the T5 weights as models::T5Encoder holds them (t5_weight_use): norms and
// the position-bias table as f32, matrices and the embedding table at their stored type.
uint64_t t5_tensor_bytes(const formats::TensorInfo& t, DeviceKind device) {
  if (t.shape.size() != 2 || t.name.find("relative_attention_bias") != std::string::npos)
    return dtype_bytes(DType::F32, numel(t.shape));
  const DType r = resident_dtype(t.dtype, device);
  return r == t.dtype ? t.nbytes : dtype_bytes(r, numel(t.shape));
}
uint64_t t5_bytes(const ModelHeader& h, const std::string& prefix, DeviceKind device) {
  uint64_t b = 0;
  for (const auto& t : h.tensors)
    if (t.name.compare(0, prefix.size(), prefix) == 0) b += t5_tensor_bytes(t, device);
  return b;
}
}  // namespace

std::vector<Footprint> t5_encoder_estimate(const ModelHeader& h, const std::string& prefix,
                                           const TextEncodeRequest& r, DeviceKind device) {
  const auto& q = h.at(prefix + "encoder.block.0.layer.0.SelfAttention.q.weight");
  const double d = static_cast<double>(q.shape[1]), inner = static_cast<double>(q.shape[0]);
  const double ff = static_cast<double>(h.at(prefix + "encoder.block.0.layer.1.DenseReluDense.wo.weight").shape[1]);
  const int layers = h.count_blocks(prefix + "encoder.block.");
  const auto& rel = h.at(prefix + "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
  const double heads = static_cast<double>(rel.shape[1]);
  const double T = static_cast<double>(r.tokens) * r.batch;
  // models::T5Encoder::encode and t5_block: the position bias [heads, L, L] (shared by the
  // batch) and the hidden state throughout, one block's temporaries at a time.
  const double bias = heads * r.tokens * r.tokens;
  const bool gated = h.find(prefix + "encoder.block.0.layer.1.DenseReluDense.wi_0.weight") != nullptr;
  LiveBytes m(device, r.act_bytes);
  auto lin = [&](const std::string& name, double n, double k) {
    const auto& t = h.at(prefix + "encoder.block.0.layer." + name + ".weight");
    return m.op(T * n, m.linear_scratch(T, n, k, resident_dtype(t.dtype, DeviceKind::Cpu)));
  };
  double x = m.op(T * d), pb = m.op(bias);
  for (int i = 0; i < std::min(layers, 2); ++i) {  // every block allocates alike
    double h1 = m.op(T * d);
    double q = lin("0.SelfAttention.q", inner, d), k = lin("0.SelfAttention.k", inner, d),
           v = lin("0.SelfAttention.v", inner, d);
    double sp = m.op(3 * T * inner),
           o = m.op(T * inner, m.attention_scratch(r.batch * heads, r.tokens, r.tokens, inner / heads));
    double mg = m.op(T * inner);
    m.free(sp + o + h1);
    double ao = lin("0.SelfAttention.o", d, inner);
    m.free(mg + q + k + v);
    double res = m.op(T * d), h2 = m.op(T * d);
    m.free(ao);
    double g;
    if (gated) {
      double w0 = lin("1.DenseReluDense.wi_0", ff, d);
      g = m.op(T * ff);
      m.free(w0);
      double u = lin("1.DenseReluDense.wi_1", ff, d);
      m.free(h2);
      double gu = m.op(T * ff);
      m.free(g + u);
      g = gu;
    } else {
      double w1 = lin("1.DenseReluDense.wi", ff, d);
      g = m.op(T * ff);
      m.free(w1 + h2);
    }
    double wo = lin("1.DenseReluDense.wo", d, ff), y = m.op(T * d);
    m.free(wo + g + res + x);
    x = y;
  }
  m.op(T * d);  // the final norm
  const uint64_t peak = static_cast<uint64_t>(m.peak());
  (void)pb;
  const uint64_t largest = act_bytes(std::max(T * ff, bias), r.act_bytes);
  const double flops = linear_flops(h, prefix, T) + layers * 4.0 * r.tokens * r.tokens * inner * r.batch;
  uint64_t largest_weight = 0;
  for (const auto& t : h.tensors)
    if (t.name.compare(0, prefix.size(), prefix) == 0 && t.name.find("shared.") == std::string::npos)
      largest_weight = std::max(largest_weight, t5_tensor_bytes(t, device));
  WeightUse all = weights_of(h, prefix, "t5_encoder", device);
  all.bytes = t5_bytes(h, prefix, device);

  Footprint whole;
  whole.device = device;
  whole.label = "full";
  whole.weights = {all};
  whole.peak_bytes = peak;
  whole.largest_alloc = std::max(largest, t5_tensor_bytes(h.at(prefix + "shared.weight"), device));
  whole.flops = flops;
  whole.bytes_moved = static_cast<double>(all.bytes) + 10.0 * peak;
  std::vector<Footprint> out = {whole};
  if (device == DeviceKind::Cpu) return out;

  // Streaming (models::T5StreamingEncoder): block i+1 uploads while block i computes, so two
  // blocks' weights are on the GPU at once, plus the final norm; the embedding table is
  // looked up on the host (it stays in host RAM at its CPU dtype) and never moves.
  uint64_t block = 0;
  for (int b = 0; b < layers; ++b) {
    const std::string head = prefix + "encoder.block." + std::to_string(b) + ".";
    uint64_t bytes = 0;
    for (const auto& t : h.tensors)
      if (t.name.compare(0, head.size(), head) == 0 && t.name.find("relative_attention_bias") == std::string::npos)
        bytes += t5_tensor_bytes(t, device);
    block = std::max(block, bytes);
  }
  const uint64_t final_norm = t5_tensor_bytes(h.at(prefix + "encoder.final_layer_norm.weight"), device);
  Footprint s = whole;
  s.options = {{"stream_weights", true}};
  s.label = "stream weights";
  s.weights = {{all.model, all.bytes, true}};
  s.peak_bytes = peak + 2 * block + final_norm;
  s.host_peak_bytes = act_bytes(T * d, r.act_bytes);  // the table is among the host-resident weights
  s.largest_alloc = std::max<uint64_t>(largest, largest_weight);
  s.host_transfer = static_cast<double>(all.bytes - t5_tensor_bytes(h.at(prefix + "shared.weight"), device));
  s.note = "weights stay in host RAM and stream to the GPU one block at a time (" +
           std::to_string(layers) + " blocks)";
  out.push_back(std::move(s));
  return out;
}

}  // namespace vkflow::models
