#include "runtime/models/sd15_estimate.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/models/estimate_common.hpp"

namespace vkflow::models {
namespace {

// LDM UNet layout (SD1.x): input_blocks 0..11 (conv_in; 2 blocks per level, a downsample after
// levels 0-2), middle_block at the lowest level, output_blocks 0..11 back up. Level L works on
// (h/2^L) x (w/2^L) positions. Attention blocks exist at levels 0-2 with 8 heads (SD1.5
// config num_heads = 8, whatever the width).
constexpr int kHeads = 8;

int input_level(int i) { return i == 0 ? 0 : i / 3; }
int output_level(int j) { return 3 - j / 3; }

// Positions a tensor's weights are applied at (for FLOPs), from its LDM name.
double positions(const std::string& name, int64_t h, int64_t w, int ctx_tokens) {
  auto level_pos = [&](int L) { return static_cast<double>((h >> L) * (w >> L)); };
  if (name.find("attn2.to_k") != std::string::npos || name.find("attn2.to_v") != std::string::npos)
    return ctx_tokens;
  if (name.find("emb_layers") != std::string::npos || name.rfind("time_embed", 0) == 0) return 1;
  int idx = 0;
  if (std::sscanf(name.c_str(), "input_blocks.%d.", &idx) == 1) return level_pos(input_level(idx));
  if (std::sscanf(name.c_str(), "output_blocks.%d.", &idx) == 1) return level_pos(output_level(idx));
  if (name.rfind("middle_block", 0) == 0) return level_pos(3);
  return level_pos(0);  // out.*
}

}  // namespace

std::vector<Footprint> sd15_unet_estimate(const ModelHeader& hdr, const UnetRequest& r, DeviceKind device) {
  std::string prefix = hdr.find("model.diffusion_model.input_blocks.0.0.weight") ? "model.diffusion_model." : "";
  if (r.width % 8 || r.height % 8 || r.width <= 0 || r.height <= 0)
    throw Error("SD1.5 UNet: width and height must be positive multiples of 8 (got " + std::to_string(r.width) +
                "x" + std::to_string(r.height) + ")");
  const int64_t h = r.height / 8, w = r.width / 8;
  const double B = r.batch * (r.cfg ? 2 : 1);
  const int a = r.act_bytes;
  // Channels per level from the first resblock of each level.
  int64_t ch[4];
  for (int L = 0; L < 4; ++L)
    ch[L] = hdr.at(prefix + "input_blocks." + std::to_string(L == 0 ? 1 : 3 * L + 1) + ".0.in_layers.2.weight").shape[0];
  auto N = [&](int L) { return static_cast<double>((h >> L) * (w >> L)); };

  // Skip connections kept for the up path: conv_in, 2 per level, and each downsample output.
  double skips = 0;
  for (int i = 0; i < 12; ++i) {
    int L = input_level(i);
    int64_t c = i == 0 ? ch[0] : ch[std::min(L, 3)];
    if (i == 3 || i == 6 || i == 9) c = ch[L - 1];  // downsample keeps the previous width
    skips += c * N(L);
  }
  uint64_t weights_flops_pos = 0;
  double lin_flops = 0;
  for (const auto& t : hdr.tensors) {
    if (t.name.compare(0, prefix.size(), prefix) != 0 || t.shape.size() < 2) continue;
    lin_flops += 2.0 * numel(t.shape) * positions(t.name.substr(prefix.size()), h, w, r.context_tokens);
  }
  (void)weights_flops_pos;
  WeightUse weights = weights_of(hdr, prefix, "unet", device);

  std::vector<Footprint> out;
  for (int64_t chunk : attention_chunks(N(0))) {
    double work = 0, attn_flops = 0, largest = 0;
    for (int L = 0; L < 4; ++L) {
      double X = B * ch[L] * N(L);
      double resnet = 4 * X + 2 * X;  // in (concat on the way up), norm, conv out, skip
      double ff = X + 8 * X + 4 * X;   // GEGLU: proj to 2x4C, gated 4C
      double scores = 0;
      if (L < 3) {
        scores = B * kHeads * score_rows(chunk, N(L)) * N(L);
        attn_flops += 2 /*transformer per block*/ * 3 /*in+out blocks*/ * 4.0 * N(L) * N(L) * ch[L] * B;
      }
      double attn = 5 * X + scores;
      work = std::max({work, resnet, ff, attn});
      largest = std::max({largest, scores, 8 * X});
    }
    Footprint f;
    f.device = device;
    f.options = {{"attention_chunk", chunk}};
    f.label = attention_label(chunk);
    f.weights = {weights};
    f.peak_bytes = act_bytes(skips * B + work + B * (4 * h * w * 3 + r.context_tokens * 768), a);
    f.largest_alloc = act_bytes(largest, a);
    f.flops = r.steps * (lin_flops * B + attn_flops) * chunk_slowdown(chunk);
    f.bytes_moved = r.steps * (static_cast<double>(weights.bytes) + 20.0 * act_bytes(skips * B, a));
    if (chunk) f.note = "attention in chunks of " + std::to_string(chunk) + " query rows";
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace vkflow::models
