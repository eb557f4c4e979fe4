#include "runtime/models/whisper_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"

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
  const double heads_e = de / 64;  // 64-wide heads in every Whisper size
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
  // Decoder state: self-attention KV per beam, cross-attention KV once, logits per beam.
  const double kv_self = 2.0 * d.n_text_layer * d.n_text_ctx * dt * beams;
  const double kv_cross = 2.0 * d.n_text_layer * ctx * dt;
  const double logits = beams * d.n_vocab;
  const double mel = d.n_mels * frames;

  std::vector<Footprint> out;
  for (int64_t chunk : attention_chunks(d.n_audio_ctx)) {
    const double X = ctx * de;
    const double scores = heads_e * score_rows(chunk, d.n_audio_ctx) * ctx;
    const double conv = de * frames + X;                      // conv1 output at 3000 frames, conv2 at 1500
    const double block = std::max(X + 3 * X + scores + X, X + 4 * X + X);
    const double encoder = mel + std::max(conv, block);
    const double decoder = X /*encoder output*/ + kv_self + kv_cross + logits + beams * dt * 8;
    Footprint f;
    f.device = device;
    f.options = {{"attention_chunk", chunk}, {"beam", r.beam}};
    f.label = attention_label(chunk) + (r.beam > 1 ? ", beam " + std::to_string(r.beam) : "");
    f.weights = {weights};
    f.peak_bytes = act_bytes(std::max(encoder, decoder) + kv_cross + X, a);
    f.largest_alloc = act_bytes(std::max({scores, kv_cross / d.n_text_layer, de * frames}), a);
    f.flops = windows * (enc_lin + d.n_audio_layer * 4.0 * ctx * ctx * de * chunk_slowdown(chunk) +
                         tokens * beams * dec_lin);
    // The decoder reads all its weights once per generated token (bandwidth-bound on GPUs).
    f.bytes_moved = windows * (static_cast<double>(weights.bytes) * (1 + tokens));
    if (chunk) f.note = "encoder attention in chunks of " + std::to_string(chunk) + " frames";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace vkflow::models
