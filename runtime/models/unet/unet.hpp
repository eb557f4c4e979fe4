#pragma once
// The SD1.x denoising UNet (LDM openaimodel.UNetModel, eps prediction) on any Device, its
// structure and sizes read from the weights (unet_config.hpp).
//
//   UNetModel unet(model_file, device);                 // prefix "model.diffusion_model."
//   Tensor eps = unet.forward(x, t, context);           // x [B,4,h,w], t [B] (or [1]), ctx [B,L,C]
#include <string>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/common/weight_set.hpp"
#include "runtime/models/unet/unet_config.hpp"

namespace vkflow::models {

class UNetModel {
 public:
  UNetModel(const formats::ModelFile& m, Device& dev, const std::string& prefix = "model.diffusion_model.",
            UNetOptions opt = {});

  // x [B, in_channels, h, w] f32; t [B] or [1] f32 timesteps (fractional allowed);
  // context [B, L, context_dim] f32 (all on this model's device) -> eps [B, out_channels, h, w].
  // Time embedding as SD1.5: sinusoidal, flip_sin_to_cos, shift 0, width model_channels.
  Tensor forward(const Tensor& x, const Tensor& t, const Tensor& context) const;

  const UNetConfig& config() const { return cfg_; }
  uint64_t weight_bytes() const { return w_.bytes(); }
  Device& device() const { return w_.device(); }

  static uint64_t estimate_weight_bytes(const formats::ModelFile& m, const Device& dev,
                                        const std::string& prefix = "model.diffusion_model.");

 private:
  Tensor time_embedding(const Tensor& t) const;
  WeightSet w_;
  UNetConfig cfg_;
};

}  // namespace vkflow::models
