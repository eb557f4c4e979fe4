#pragma once
// The LDM AutoencoderKL (SD1.x VAE, FLUX AE) on any Device, sizes read from the weights:
// latent channels (4 SD, 16 FLUX), block widths, resnets per level, quant convs when stored.
// Scaling/shift of latents is the caller's business (sampling::LatentFormat).
//
// Weight names (after the prefix; "first_stage_model." in an SD checkpoint, "" in a VAE file):
//   decoder.conv_in, decoder.mid.{block_1,attn_1,block_2}, decoder.up.I.block.J.{norm1,conv1,norm2,conv2,nin_shortcut},
//   decoder.up.I.upsample.conv, decoder.norm_out, decoder.conv_out, post_quant_conv (optional);
//   encoder.conv_in, encoder.down.I.block.J.*, encoder.down.I.downsample.conv, encoder.mid.*,
//   encoder.norm_out, encoder.conv_out, quant_conv (optional). attn_1.{norm,q,k,v,proj_out}
//   with q/k/v/proj_out stored as 1x1 convolutions [C, C, 1, 1].
#include <cstdint>
#include <string>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/common/weight_set.hpp"

namespace vkflow::models {

struct VaeConfig {
  int64_t latent_channels = 0;  // z channels
  int64_t image_channels = 0;   // 3
  int dec_levels = 0, dec_blocks = 0;  // up.I (I < dec_levels), block.J (J < dec_blocks)
  int enc_levels = 0, enc_blocks = 0;  // 0 when the encoder was not loaded
  int64_t downscale = 8;               // 2^(upsampling levels)
  bool quant_conv = false, post_quant_conv = false;
  int groups = 32;
  float eps = 1e-6f;
};

enum class VaeParts { Decoder, Encoder, Both };

class AutoencoderKL {
 public:
  AutoencoderKL(const formats::ModelFile& m, Device& dev, const std::string& prefix = "first_stage_model.",
                VaeParts parts = VaeParts::Both);

  // z [B, latent_channels, h, w] (already unscaled: stored latent / scale + shift)
  // -> image [B, 3, h·8, w·8], roughly [-1, 1], not clamped.
  Tensor decode(const Tensor& z) const;
  // image [B, 3, H, W] in [-1, 1] -> moments [B, 2·latent_channels, H/8, W/8] (mean, logvar).
  Tensor encode_moments(const Tensor& x) const;
  // The posterior mean (ComfyUI's VAEEncode), or mean + exp(logvar/2)·noise with logvar
  // clamped to [-30, 20] (diffusers' DiagonalGaussianDistribution.sample); noise like the mean.
  Tensor encode_mean(const Tensor& x) const;
  Tensor encode_sample(const Tensor& x, const Tensor& noise) const;

  const VaeConfig& config() const { return cfg_; }
  bool has_encoder() const { return cfg_.enc_levels > 0; }
  bool has_decoder() const { return cfg_.dec_levels > 0; }
  uint64_t weight_bytes() const { return w_.bytes(); }
  Device& device() const { return w_.device(); }

  // The VAE's prefix in an opened file: SD1.x checkpoints and standalone VAE/AE files.
  static std::string prefix_in(const formats::ModelFile& m);
  static uint64_t estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix,
                                        VaeParts parts = VaeParts::Both);

 private:
  WeightSet w_;
  VaeConfig cfg_;
};

}  // namespace vkflow::models
