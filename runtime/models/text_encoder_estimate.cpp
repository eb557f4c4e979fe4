#include "runtime/models/text_encoder_estimate.hpp"

#include <algorithm>
#include <thread>

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
// The CPU linear op dequantizes f16/bf16/GGUF weights in tiles of this many f32 bytes.
constexpr int64_t kCpuLinearTile = 4ll << 20;
// The CPU attention kernel's per-thread scores and softmax state (32 queries x 64 keys).
constexpr uint64_t kCpuAttentionTileBytes = (32 * 64 + 2 * 32) * 4;
// GPU allocations are rounded up to 256 B; a block makes a few dozen.
constexpr uint64_t kGpuAlignSlack = 64 * 256;
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
  // Activations (f32) of models::T5Encoder: the position bias [heads, L, L] (shared by the
  // batch), the hidden state entering the block, and
  //  - on the CPU (tensors freed when dropped) what t5_block keeps alive at once: in attention
  //    the normed input, q/k/v, their head-split copies, the output and the kernel's packed
  //    keys (2 T·d + 8 T·inner) plus per-thread score tiles; in the feed-forward residuals,
  //    normed input and three [T, d_ff] tensors (3 T·d + 3 T·ff) plus the linear op's
  //    dequantized weight tile;
  //  - on a GPU (frees wait for the submission; the encoder synchronizes per block) every
  //    temporary of one block: 6 T·d + 8 T·inner + 4 T·ff.
  const double bias = heads * r.tokens * r.tokens;
  uint64_t peak = 0;
  if (device == DeviceKind::Cpu) {
    uint64_t tile = 0;  // runtime/cpu/ops/matmul.cpp: rows of 4 MiB of f32, at least 16
    for (const auto& t : h.tensors) {
      if (t.name.compare(0, prefix.size(), prefix) != 0 || t.shape.size() != 2 || t.dtype == DType::F32 ||
          t.name.find("shared.") != std::string::npos || t.name.find("relative_attention_bias") != std::string::npos)
        continue;
      const int64_t n = t.shape[0], k = t.shape[1];
      const int64_t rows = std::min(std::clamp<int64_t>(kCpuLinearTile / (k * 4), 16, std::max<int64_t>(n, 16)), n);
      tile = std::max<uint64_t>(tile, static_cast<uint64_t>(rows * k * 4));
    }
    const uint64_t threads = std::max(1u, std::thread::hardware_concurrency());
    const uint64_t attn = act_bytes(2 * T * d + 8 * T * inner, r.act_bytes) + threads * kCpuAttentionTileBytes;
    const uint64_t ffn = act_bytes(3 * T * d + 3 * T * ff, r.act_bytes) + tile;
    peak = act_bytes(bias + T * d, r.act_bytes) + std::max(attn, ffn);
  } else {
    peak = act_bytes(bias + T * d + 6 * T * d + 8 * T * inner + 4 * T * ff, r.act_bytes) + kGpuAlignSlack;
  }
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
