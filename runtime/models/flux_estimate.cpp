#include "runtime/models/flux_estimate.hpp"

#include <algorithm>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"

namespace vkflow::models {

std::vector<Footprint> flux_dit_estimate(const ModelHeader& h, const FluxRequest& r, DeviceKind device) {
  const std::string p = h.find("model.diffusion_model.img_in.weight") ? "model.diffusion_model." : "";
  if (r.width % 16 || r.height % 16 || r.width <= 0 || r.height <= 0)
    throw Error("FLUX: width and height must be positive multiples of 16 (got " + std::to_string(r.width) + "x" +
                std::to_string(r.height) + ")");
  const double hidden = static_cast<double>(h.at(p + "img_in.weight").shape[0]);
  const double head_dim = static_cast<double>(h.at(p + "double_blocks.0.img_attn.norm.query_norm.scale").shape[0]);
  const double heads = hidden / head_dim;
  const double mlp = static_cast<double>(h.at(p + "double_blocks.0.img_mlp.0.weight").shape[0]);
  const double lin1 = static_cast<double>(h.at(p + "single_blocks.0.linear1.weight").shape[0]);  // 3*hidden + mlp
  const int n_double = h.count_blocks(p + "double_blocks."), n_single = h.count_blocks(p + "single_blocks.");
  const double img = static_cast<double>((r.width / 16) * (r.height / 16)), txt = static_cast<double>(r.txt_tokens);
  const double T = img + txt, B = r.batch;

  // Per-step linear FLOPs: each 2-D weight times the tokens it applies to; modulation and
  // embedding MLPs act on one vector per sample.
  double lin = 0;
  for (const auto& t : h.tensors) {
    if (t.name.compare(0, p.size(), p) != 0 || t.shape.size() != 2) continue;
    const std::string n = t.name.substr(p.size());
    double tok = T;
    if (n.find("mod") != std::string::npos || n.rfind("time_in", 0) == 0 || n.rfind("vector_in", 0) == 0 ||
        n.rfind("guidance_in", 0) == 0)
      tok = 1;
    else if (n.find(".txt_") != std::string::npos || n.rfind("txt_in", 0) == 0)
      tok = txt;
    else if (n.find(".img_") != std::string::npos || n.rfind("img_in", 0) == 0 || n.rfind("final_layer", 0) == 0)
      tok = img;
    lin += 2.0 * numel(t.shape) * tok * B;
  }
  const double attn = (n_double + n_single) * 4.0 * T * T * hidden * B;
  WeightUse weights = weights_of(h, p, "dit", device);

  std::vector<Footprint> out;
  for (int64_t chunk : attention_chunks(static_cast<int64_t>(T))) {
    const double X = B * T * hidden;
    const double scores = B * heads * score_rows(chunk, static_cast<int64_t>(T)) * T;
    // Single blocks dominate: residual, linear1 output (qkv + MLP in), then either attention
    // (scores + its output) or the MLP activation concatenated with it for linear2.
    const double attn_phase = X + B * T * lin1 + scores + X;
    const double mlp_phase = X + B * T * lin1 + B * T * (hidden + mlp) + X;
    // Held across the run: latent, noise/velocity, text states, rope tables.
    const double held = B * (3 * img * 64 + txt * hidden + T * head_dim * 2);
    Footprint f;
    f.device = device;
    f.options = {{"attention_chunk", chunk}};
    f.label = attention_label(chunk);
    f.weights = {weights};
    f.peak_bytes = act_bytes(held + std::max(attn_phase, mlp_phase), r.act_bytes);
    f.largest_alloc = act_bytes(std::max(scores, B * T * lin1), r.act_bytes);
    f.flops = r.steps * (lin + attn * chunk_slowdown(chunk));
    f.bytes_moved = r.steps * (static_cast<double>(weights.bytes) + 4.0 * (n_double + n_single) * act_bytes(X, r.act_bytes));
    if (chunk) f.note = "attention in chunks of " + std::to_string(chunk) + " query rows";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace vkflow::models
