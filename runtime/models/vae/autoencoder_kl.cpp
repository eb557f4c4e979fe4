#include "runtime/models/vae/autoencoder_kl.hpp"

#include "runtime/models/common/layers.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models {
namespace {

// attn_1's 1x1 q/k/v/proj_out run as linear layers on tokens; other 4-D weights are convs.
WeightUse vae_use(std::string_view name, const Shape& s) {
  if (s.size() == 2) return WeightUse::Linear;
  if (s.size() == 4) return name.find(".attn_1.") != std::string_view::npos ? WeightUse::Linear : WeightUse::Conv2d;
  return WeightUse::F32;
}

WeightFilter parts_filter(VaeParts parts) {
  if (parts == VaeParts::Both) return {};
  const bool dec = parts == VaeParts::Decoder;
  return [dec](std::string_view n) {
    const bool d = n.starts_with("decoder.") || n.starts_with("post_quant_conv.");
    return dec == d;
  };
}

std::string idx(const char* head, int i, const char* mid, int j) {
  return std::string(head) + std::to_string(i) + mid + std::to_string(j);
}

Tensor resnet(const WeightSet& w, const VaeConfig& c, const std::string& n, const Tensor& x) {
  Tensor h = conv2d(w, n + ".conv1", ops::silu(group_norm(w, n + ".norm1", x, c.groups, c.eps)));
  h = conv2d(w, n + ".conv2", ops::silu(group_norm(w, n + ".norm2", h, c.groups, c.eps)));
  if (w.has(n + ".nin_shortcut.weight")) return ops::add(conv2d(w, n + ".nin_shortcut", x), h);
  return ops::add(x, h);
}

// Single-head self-attention over all h·w positions (scale C^-1/2), residual.
Tensor attn_block(const WeightSet& w, const VaeConfig& c, const std::string& n, const Tensor& x) {
  Tensor o;
  {
    Tensor t = to_tokens(group_norm(w, n + ".norm", x, c.groups, c.eps));
    Tensor q = linear(w, n + ".q", t), k = linear(w, n + ".k", t), v = linear(w, n + ".v", t);
    t = Tensor{};
    o = multi_head_attention(q, k, v, 1);
  }
  return ops::add(x, from_tokens(linear(w, n + ".proj_out", o), x.dim(2), x.dim(3)));
}

Tensor mid_block(const WeightSet& w, const VaeConfig& c, const std::string& side, Tensor h) {
  h = resnet(w, c, side + ".mid.block_1", h);
  h = attn_block(w, c, side + ".mid.attn_1", h);
  return resnet(w, c, side + ".mid.block_2", h);
}

Tensor out_head(const WeightSet& w, const VaeConfig& c, const std::string& side, const Tensor& h) {
  return conv2d(w, side + ".conv_out", ops::silu(group_norm(w, side + ".norm_out", h, c.groups, c.eps)));
}

VaeConfig infer_config(const WeightSet& w) {
  VaeConfig c;
  c.post_quant_conv = w.has("post_quant_conv.weight");
  c.quant_conv = w.has("quant_conv.weight");
  if (w.has("decoder.conv_in.weight")) {
    c.latent_channels = weight_dim(w, "decoder.conv_in.weight", 1);
    c.image_channels = weight_dim(w, "decoder.conv_out.weight", 0);
    c.dec_levels = w.count("decoder.up.");
    c.dec_blocks = w.count("decoder.up.0.block.");
    if (c.dec_levels == 0 || c.dec_blocks == 0) throw w.error("decoder.up.0.block.0", "decoder without up blocks");
    int ups = 0;
    for (int i = 0; i < c.dec_levels; ++i) ups += w.has("decoder.up." + std::to_string(i) + ".upsample.conv.weight");
    c.downscale = int64_t{1} << ups;
  }
  if (w.has("encoder.conv_in.weight")) {
    c.enc_levels = w.count("encoder.down.");
    c.enc_blocks = w.count("encoder.down.0.block.");
    if (c.enc_levels == 0 || c.enc_blocks == 0) throw w.error("encoder.down.0.block.0", "encoder without down blocks");
    const int64_t moments = weight_dim(w, c.quant_conv ? "quant_conv.weight" : "encoder.conv_out.weight", 0);
    if (c.latent_channels == 0) c.latent_channels = moments / 2;
    if (moments != 2 * c.latent_channels)
      throw w.error("encoder.conv_out.weight", std::to_string(moments) + " moment channels for " +
                                                   std::to_string(c.latent_channels) + " latent channels");
    if (c.image_channels == 0) c.image_channels = weight_dim(w, "encoder.conv_in.weight", 1);
  }
  return c;
}

}  // namespace

std::string AutoencoderKL::prefix_in(const formats::ModelFile& m) {
  const auto& d = m.detection();
  if (d.arch == formats::arch::kSd15) return "first_stage_model.";
  if (d.arch == formats::arch::kSdVae || d.arch == formats::arch::kFluxAe) return "";
  throw FormatError(m.describe(), "holds no VAE (detected " + d.arch + ")");
}

uint64_t AutoencoderKL::estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix,
                                              VaeParts parts) {
  return WeightSet::estimate_bytes(m, dev, prefix, vae_use, parts_filter(parts));
}

AutoencoderKL::AutoencoderKL(const formats::ModelFile& m, Device& dev, const std::string& prefix, VaeParts parts)
    : w_(WeightSet::load(m, dev, prefix, vae_use, parts_filter(parts))), cfg_(infer_config(w_)) {
  if (parts != VaeParts::Encoder && !has_decoder()) throw w_.error("decoder.conv_in.weight", "missing VAE decoder");
  if (parts != VaeParts::Decoder && !has_encoder()) throw w_.error("encoder.conv_in.weight", "missing VAE encoder");
}

Tensor AutoencoderKL::decode(const Tensor& z) const {
  if (!has_decoder()) throw Error("vae decode: the decoder was not loaded");
  if (z.rank() != 4 || z.dim(1) != cfg_.latent_channels)
    throw Error("vae decode: latent must be [B, " + std::to_string(cfg_.latent_channels) + ", h, w], got " +
                to_string(z.shape()));
  Tensor h = cfg_.post_quant_conv ? conv2d(w_, "post_quant_conv", z) : z;
  h = conv2d(w_, "decoder.conv_in", h);
  h = mid_block(w_, cfg_, "decoder", h);
  for (int i = cfg_.dec_levels - 1; i >= 0; --i) {
    for (int j = 0; j < cfg_.dec_blocks; ++j) h = resnet(w_, cfg_, idx("decoder.up.", i, ".block.", j), h);
    const std::string up = "decoder.up." + std::to_string(i) + ".upsample";
    if (w_.has(up + ".conv.weight")) h = conv2d(w_, up + ".conv", ops::upsample_nearest(h, 2));
  }
  return out_head(w_, cfg_, "decoder", h);
}

Tensor AutoencoderKL::encode_moments(const Tensor& x) const {
  if (!has_encoder()) throw Error("vae encode: the encoder was not loaded");
  if (x.rank() != 4 || x.dim(1) != cfg_.image_channels)
    throw Error("vae encode: image must be [B, " + std::to_string(cfg_.image_channels) + ", H, W], got " +
                to_string(x.shape()));
  Tensor h = conv2d(w_, "encoder.conv_in", x);
  for (int i = 0; i < cfg_.enc_levels; ++i) {
    for (int j = 0; j < cfg_.enc_blocks; ++j) h = resnet(w_, cfg_, idx("encoder.down.", i, ".block.", j), h);
    const std::string down = "encoder.down." + std::to_string(i) + ".downsample";
    // LDM pads right/bottom by one, then a stride-2 3x3 conv without padding.
    if (w_.has(down + ".conv.weight")) h = conv2d(w_, down + ".conv", ops::pad(h, {0, 1, 0, 1}), 2, 0);
  }
  h = mid_block(w_, cfg_, "encoder", h);
  h = out_head(w_, cfg_, "encoder", h);
  return cfg_.quant_conv ? conv2d(w_, "quant_conv", h) : h;
}

Tensor AutoencoderKL::encode_mean(const Tensor& x) const {
  return ops::slice(encode_moments(x), 1, 0, cfg_.latent_channels);
}

Tensor AutoencoderKL::encode_sample(const Tensor& x, const Tensor& noise) const {
  const int64_t z = cfg_.latent_channels;
  Tensor m = encode_moments(x);
  Tensor mean = ops::slice(m, 1, 0, z);
  if (noise.shape() != mean.shape())
    throw Error("vae encode: noise " + to_string(noise.shape()) + " does not match the latent " + to_string(mean.shape()));
  Tensor std = ops::exp(ops::scale(ops::clamp(ops::slice(m, 1, z, 2 * z), -30.0f, 20.0f), 0.5f));
  return ops::add(mean, ops::mul(std, noise));
}

}  // namespace vkflow::models
