#include "runtime/models/unet/unet.hpp"

#include <vector>

#include "runtime/models/common/layers.hpp"
#include "runtime/models/unet/unet_blocks.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models {
namespace {

// 1x1 projections of the spatial transformers run as linear layers on tokens.
WeightUse unet_use(std::string_view name, const Shape& s) {
  if (s.size() == 2) return WeightUse::Linear;
  if (s.size() == 4) {
    const bool proj = name.find(".proj_in.") != std::string_view::npos || name.find(".proj_out.") != std::string_view::npos;
    return proj && s[2] == 1 && s[3] == 1 ? WeightUse::Linear : WeightUse::Conv2d;
  }
  return WeightUse::F32;
}

const std::string kWhere = "unet forward: ";

}  // namespace

UNetModel::UNetModel(const formats::ModelFile& m, Device& dev, const std::string& prefix, UNetOptions opt)
    : w_(WeightSet::load(m, dev, prefix, unet_use)), cfg_(infer_unet_config(w_, opt)) {}

uint64_t UNetModel::estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix) {
  return WeightSet::estimate_bytes(m, dev, prefix, unet_use);
}

Tensor UNetModel::time_embedding(const Tensor& t) const {
  ops::TimestepEmbeddingParams p;
  p.dim = static_cast<int32_t>(cfg_.model_channels);
  p.flip_sin_to_cos = 1;
  p.downscale_freq_shift = 0.0f;
  Tensor e = linear(w_, "time_embed.0", ops::timestep_embedding(t, p));
  e = linear(w_, "time_embed.2", ops::silu(e));
  return ops::silu(e);  // every ResBlock starts its emb_layers with SiLU: do it once
}

Tensor UNetModel::forward(const Tensor& x, const Tensor& t, const Tensor& context) const {
  if (x.rank() != 4 || x.dim(1) != cfg_.in_channels)
    throw Error(kWhere + "x must be [B, " + std::to_string(cfg_.in_channels) + ", h, w], got " + to_string(x.shape()));
  const int64_t b = x.dim(0);
  if (t.rank() != 1 || (t.dim(0) != b && t.dim(0) != 1))
    throw Error(kWhere + "t must be [B] or [1], got " + to_string(t.shape()));
  if (context.rank() != 3 || context.dim(0) != b || context.dim(2) != cfg_.context_dim)
    throw Error(kWhere + "context must be [B, L, " + std::to_string(cfg_.context_dim) + "], got " +
                to_string(context.shape()));

  using Kind = UNetPart::Kind;
  const Tensor emb = time_embedding(t);
  // Runs one block's modules in order; (up_h, up_w) is the size an Upsample must reach.
  auto run_block = [&](const UNetBlock& blk, Tensor h, int64_t up_h, int64_t up_w) {
    for (const UNetPart& p : blk.parts) switch (p.kind) {
        case Kind::Conv: h = conv2d(w_, p.name, h); break;
        case Kind::Res: h = unet::res_block(w_, cfg_, p.name, h, emb); break;
        case Kind::Attn: h = unet::spatial_transformer(w_, cfg_, p, h, context); break;
        case Kind::Down: h = unet::downsample(w_, p.name, h); break;
        case Kind::Up: h = unet::upsample(w_, p.name, h, up_h, up_w); break;
      }
    return h;
  };

  std::vector<Tensor> skips;  // one per input block, consumed in reverse by the output blocks
  Tensor h = x;
  for (const UNetBlock& blk : cfg_.input) {
    h = run_block(blk, h, 0, 0);
    skips.push_back(h);
  }
  for (const UNetBlock& blk : cfg_.middle) h = run_block(blk, h, 0, 0);
  for (const UNetBlock& blk : cfg_.output) {
    h = ops::concat({h, skips.back()}, 1);
    skips.pop_back();
    // Upsample to the next skip's size (odd latent sizes: LDM's x2 alone would not match).
    const int64_t up_h = skips.empty() ? h.dim(2) * 2 : skips.back().dim(2);
    const int64_t up_w = skips.empty() ? h.dim(3) * 2 : skips.back().dim(3);
    h = run_block(blk, h, up_h, up_w);
  }
  h = ops::silu(group_norm(w_, "out.0", h, cfg_.groups, cfg_.res_eps));
  return conv2d(w_, "out.2", h);
}

}  // namespace vkflow::models
