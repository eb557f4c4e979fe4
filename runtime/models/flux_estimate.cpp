#include "runtime/models/flux_estimate.hpp"

#include <algorithm>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"
#include "runtime/models/live_bytes.hpp"

namespace vkflow::models {

// Follows runtime/models/flux (FluxModel::forward, flux_blocks.cpp): weights stay at their
// stored type (fp8 widened to f16), activations are f32 and freed as soon as used, and the
// attention op is tiled (no score matrix), so attention adds O(T·hidden) and there is no
// attention-chunk option. Peaks per forward, in units of B·T (T = image + text tokens):
//   single block, linear1 phase: x + linear1 out (3h + mlp) + the MLP slice and its GELU (2 mlp)
//   single block, attention phase: x + GELU'd MLP + permuted qkv (3h) + normed q, k (2h)
//                                  + RoPE'd q, k (2h) + attention output (h)
//   double blocks stay below both (their MLPs act on one stream at a time).
// plus one hidden-wide temporary of the modulations (LayerNorm, scale, shift).
std::vector<Footprint> flux_dit_estimate(const ModelHeader& h, const FluxRequest& r, DeviceKind device) {
  const std::string p = h.find("model.diffusion_model.img_in.weight") ? "model.diffusion_model." : "";
  if (r.width % 16 || r.height % 16 || r.width <= 0 || r.height <= 0)
    throw Error("FLUX: width and height must be positive multiples of 16 (got " + std::to_string(r.width) + "x" +
                std::to_string(r.height) + ")");
  const double hidden = static_cast<double>(h.at(p + "img_in.weight").shape[0]);
  const double in_ch = static_cast<double>(h.at(p + "img_in.weight").shape[1]);
  const double ctx = static_cast<double>(h.at(p + "txt_in.weight").shape[1]);
  const double head_dim = static_cast<double>(h.at(p + "double_blocks.0.img_attn.norm.query_norm.scale").shape[0]);
  const double lin1 = static_cast<double>(h.at(p + "single_blocks.0.linear1.weight").shape[0]);  // 3*hidden + mlp
  const double mlp = lin1 - 3 * hidden;
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
  // FluxModel keeps 2-D weights at their resident type, 1-D ones (biases, norm scales) in f32.
  WeightUse weights = weights_of(h, p, "dit", device);
  weights.bytes = 0;
  for (const auto& t : h.tensors) {
    if (t.name.compare(0, p.size(), p) != 0) continue;
    const DType r = t.shape.size() == 2 ? resident_dtype(t.dtype, device) : DType::F32;
    weights.bytes += static_cast<uint64_t>(
        allocated_bytes(static_cast<double>(r == t.dtype ? t.nbytes : dtype_bytes(r, numel(t.shape))), device));
  }

  const double linear1_phase = hidden + lin1 + 2 * mlp;
  const double attention_phase = hidden + mlp + 8 * hidden;
  const double block = B * T * (std::max(linear1_phase, attention_phase) + hidden);
  // Held across a forward: the latent and its packed copy, text states, RoPE tables (cos, sin).
  const double held = B * (2 * img * in_ch + txt * ctx) + T * head_dim;
  Footprint f;
  f.device = device;
  f.label = "tiled attention";
  f.weights = {weights};
  f.peak_bytes = act_bytes(held + block, r.act_bytes);
  f.largest_alloc = act_bytes(B * T * lin1, r.act_bytes);
  f.flops = r.steps * (lin + attn);
  f.bytes_moved = r.steps * (static_cast<double>(weights.bytes) +
                             4.0 * (n_double + n_single) * act_bytes(B * T * hidden, r.act_bytes));
  return {f};
}

}  // namespace vkflow::models
