#include "runtime/models/whisper_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"
#include "runtime/models/live_bytes.hpp"

namespace vkflow::models {

WhisperDims whisper_dims(const ModelHeader& h) {
  WhisperDims d;
  const auto& conv1 = h.at("encoder.conv1.weight");
  d.n_audio_state = conv1.shape[0];
  d.n_mels = conv1.shape[1];
  d.n_audio_ctx = h.at("encoder.positional_embedding").shape[0];
  d.n_audio_layer = h.count_blocks("encoder.blocks.");
  const auto& tok = h.at("decoder.token_embedding.weight");
  d.n_vocab = tok.shape[0];
  d.n_text_state = tok.shape[1];
  d.n_text_ctx = h.at("decoder.positional_embedding").shape[0];
  d.n_text_layer = h.count_blocks("decoder.blocks.");
  return d;
}

std::vector<Footprint> whisper_estimate(const ModelHeader& h, const WhisperRequest& r, DeviceKind device) {
  if (!(r.audio_seconds > 0) || r.beam < 1) throw Error("Whisper: audio length and beam size must be positive");
  const WhisperDims d = whisper_dims(h);
  const double windows = std::ceil(r.audio_seconds / 30.0);
  const double ctx = static_cast<double>(d.n_audio_ctx), frames = 2 * ctx;  // mel frames per window
  const double de = static_cast<double>(d.n_audio_state), dt = static_cast<double>(d.n_text_state);
  const double beams = r.beam, tokens = static_cast<double>(d.n_text_ctx) / 2;
  const int a = r.act_bytes;
  WeightUse weights = weights_of(h, "", "whisper", device);

  double enc_lin = 0, dec_lin = 0;
  for (const auto& t : h.tensors) {
    if (t.shape.size() < 2 || t.name.find("positional_embedding") != std::string::npos) continue;
    double n = static_cast<double>(numel(t.shape));
    if (t.name.rfind("encoder.conv", 0) == 0) enc_lin += 2 * n * (t.name == "encoder.conv1.weight" ? frames : ctx);
    else if (t.name.rfind("encoder.", 0) == 0) enc_lin += 2 * n * ctx;
    else if (t.name.find("cross_attn.key") != std::string::npos || t.name.find("cross_attn.value") != std::string::npos)
      dec_lin += 2 * n * ctx / tokens / beams;  // once per window, not per token
    else dec_lin += 2 * n;  // per token per beam (token embedding doubles as the logits matrix)
  }
  // The encoder (models::whisper::WhisperModel::encode), replayed: the window's mel, conv1
  // and conv2 with their GELUs, then per block the attention (normed input, q/k/v, their
  // head-split copies, the output) and the MLP (normed input, fc1, GELU, fc2); the
  // attention kernels are tiled on both backends (no score matrix).
  LiveBytes m(device, a);
  const double X = ctx * de;
  const double heads = std::max(1.0, std::floor(de / 64));  // 64-wide heads in every Whisper size
  const DType conv_w = resident_dtype(h.at("encoder.conv1.weight").dtype, DeviceKind::Cpu);
  const DType lin_w = resident_dtype(h.at("encoder.blocks.0.mlp.0.weight").dtype, DeviceKind::Cpu);
  const double mel = m.op(d.n_mels * frames);
  double c1 = m.op(de * frames, m.conv_scratch(d.n_mels, de, 3, frames, conv_w)), g1 = m.op(de * frames);
  m.free(c1);
  double c2 = m.op(X, m.conv_scratch(de, de, 3, ctx, conv_w)), g2 = m.op(X);
  m.free(c2 + g1);
  double pm = m.op(X), x = m.op(X);
  m.free(pm + g2);
  auto lin = [&](double rows, double n, double k) { return m.op(rows * n, m.linear_scratch(rows, n, k, lin_w)); };
  for (int i = 0; i < std::min<int64_t>(d.n_audio_layer, 2); ++i) {  // every block allocates alike
    double ln = m.op(X), q = lin(ctx, de, de), k = lin(ctx, de, de), v = lin(ctx, de, de);
    double sp = m.op(3 * X), o = m.op(X, m.attention_scratch(heads, ctx, ctx, de / heads));
    m.free(sp);
    double mg = m.op(X), lo = lin(ctx, de, de);
    m.free(mg + o + q + k + v);
    double y = m.op(X);
    m.free(lo + ln + x);
    x = y;
    double ln2 = m.op(X), f1 = lin(ctx, 4 * de, de), ge = m.op(4 * X), f2 = lin(ctx, de, 4 * de);
    m.free(f1 + ge + ln2);
    y = m.op(X);
    m.free(f2 + x);
    x = y;
  }
  m.op(X);  // the final norm: the audio features the decoder reads (held to the end)
  m.free(x + mel);
  // The decoder: one cross-attention K/V per layer (built once per window), the
  // self-attention cache per beam up to the text context (a step's concatenation copies one
  // layer's), and the logits of the prompt forward (the SOT sequence, after the first window
  // also up to n_text_ctx/2 tokens of previous text) or of one token per beam.
  for (int64_t l = 0; l < d.n_text_layer; ++l) {
    double kc = lin(ctx, dt, dt), ks = m.op(ctx * dt);
    m.free(kc);
    double vc = lin(ctx, dt, dt), vs = m.op(ctx * dt);
    m.free(vc);
    (void)ks, (void)vs;
  }
  for (int64_t l = 0; l <= 2 * d.n_text_layer; ++l) m.op(d.n_text_ctx * dt * beams);  // K and V per layer, + a copy
  const double prompt_rows = 4 + (windows > 1 ? tokens : 0);
  const double rows = std::max(prompt_rows, beams);
  m.op(rows * 8 * dt);       // a layer's activations for those rows
  m.op(rows * d.n_vocab);    // the logits

  Footprint f;
  f.device = device;
  f.options = {{"beam", r.beam}};
  f.label = attention_label(0) + (r.beam > 1 ? ", beam " + std::to_string(r.beam) : "");
  f.weights = {weights};
  f.peak_bytes = static_cast<uint64_t>(m.peak());
  f.largest_alloc = static_cast<uint64_t>(m.largest());
  f.flops = windows * (enc_lin + d.n_audio_layer * 4.0 * ctx * ctx * de + tokens * beams * dec_lin);
  // The decoder reads all its weights once per generated token (bandwidth-bound on GPUs).
  f.bytes_moved = windows * (static_cast<double>(weights.bytes) * (1 + tokens));
  return {f};
}

}  // namespace vkflow::models
