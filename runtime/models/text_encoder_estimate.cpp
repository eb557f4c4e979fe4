#include "runtime/models/text_encoder_estimate.hpp"

#include <algorithm>

#include "runtime/models/estimate_common.hpp"

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
  const double heads = d / 64;  // CLIP text models use 64-wide heads (ViT-L: 12 x 64)
  const double T = static_cast<double>(r.tokens) * r.batch;
  Footprint f;
  f.device = device;
  f.label = "full";
  f.weights = {weights_of(h, prefix, "clip_text", device)};
  // Hidden states (all layers kept for clip-skip / penultimate outputs), qkv, scores, MLP.
  double elems = T * d * (layers + 1) + T * 3 * d + r.batch * heads * r.tokens * r.tokens + T * ff;
  f.peak_bytes = act_bytes(elems, r.act_bytes);
  f.largest_alloc = act_bytes(std::max(T * ff, T * d * (layers + 1) / layers), r.act_bytes);
  f.flops = linear_flops(h, prefix, T) + layers * 4.0 * r.tokens * r.tokens * d * r.batch;
  f.bytes_moved = static_cast<double>(f.weights[0].bytes) + 10.0 * f.peak_bytes;
  return {f};
}

std::vector<Footprint> t5_encoder_estimate(const ModelHeader& h, const std::string& prefix,
                                           const TextEncodeRequest& r, DeviceKind device) {
  const auto& q = h.at(prefix + "encoder.block.0.layer.0.SelfAttention.q.weight");
  const double d = static_cast<double>(q.shape[1]), inner = static_cast<double>(q.shape[0]);
  const double ff = static_cast<double>(h.at(prefix + "encoder.block.0.layer.1.DenseReluDense.wo.weight").shape[1]);
  const int layers = h.count_blocks(prefix + "encoder.block.");
  const auto& rel = h.at(prefix + "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight");
  const double heads = static_cast<double>(rel.shape[1]);
  const double T = static_cast<double>(r.tokens) * r.batch;
  // Hidden state, q/k/v/out, scores + the shared position bias, gated-GELU (wi_0, wi_1, product).
  double elems = T * d * 2 + T * inner * 4 + r.batch * heads * r.tokens * r.tokens * 2 + T * ff * 3;
  const uint64_t peak = act_bytes(elems, r.act_bytes);
  const uint64_t largest = act_bytes(std::max(T * ff, r.batch * heads * r.tokens * r.tokens), r.act_bytes);
  const double flops = linear_flops(h, prefix, T) + layers * 4.0 * r.tokens * r.tokens * inner * r.batch;
  WeightUse all = weights_of(h, prefix, "t5_encoder", device);

  Footprint whole;
  whole.device = device;
  whole.label = "full";
  whole.weights = {all};
  whole.peak_bytes = peak;
  whole.largest_alloc = largest;
  whole.flops = flops;
  whole.bytes_moved = static_cast<double>(all.bytes) + 10.0 * peak;
  std::vector<Footprint> out = {whole};
  if (device == DeviceKind::Cpu) return out;

  // Streaming: two block-sized buffers on the GPU (one computing, one uploading); the
  // embedding lookup happens on the host (one row per token), so the table never moves.
  uint64_t block = 0;
  for (int b = 0; b < layers; ++b)
    block = std::max(block, weights_of(h, prefix + "encoder.block." + std::to_string(b) + ".", "blk", device).bytes);
  uint64_t embed = h.find(prefix + "shared.weight") ? h.at(prefix + "shared.weight").nbytes : 0;
  Footprint s = whole;
  s.options = {{"stream_weights", true}};
  s.label = "stream weights";
  s.weights = {{all.model, all.bytes, true}};
  s.peak_bytes = peak + 2 * block;
  s.host_peak_bytes = act_bytes(T * d, r.act_bytes);
  s.largest_alloc = std::max<uint64_t>(largest, block);
  s.host_transfer = static_cast<double>(all.bytes - embed);
  s.note = "weights stay in host RAM and stream to the GPU one block at a time (" +
           std::to_string(layers) + " blocks)";
  out.push_back(std::move(s));
  return out;
}

}  // namespace vkflow::models
