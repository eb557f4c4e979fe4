#pragma once
// The FLUX.1 transformer (BFL flux/model.py Flux: schnell and dev) on any Device, sizes from the
// weights (flux_config.hpp). Weights stay at their stored type where the device's linear op
// takes it (bf16, f16, Q8_0, Q4_0, Q4_K, ...; fp8 arrives as f16), so no whole matrix is ever
// dequantized on the device.
//
//   FluxModel dit(model_file, device);                   // BFL / city96 / sd.cpp names (canonical)
//   Tensor v = dit.forward_latent(x, t, txt, pooled);    // x [B,16,h,w] -> velocity [B,16,h,w]
#include <string>
#include <vector>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/common/weight_set.hpp"
#include "runtime/models/flux/flux_config.hpp"

namespace vkflow::models {

// One transformer call on packed tokens (FLUX's own interface).
struct FluxInputs {
  Tensor img;        // [B, Li, in_channels] packed 2x2 latent patches
  Tensor txt;        // [B, Lt, context_dim] T5 hidden states
  Tensor pooled;     // [B, vec_dim] pooled CLIP output
  Tensor timesteps;  // [B] or [1]: sigma in [0, 1] (x1000 inside, BFL's time_factor)
  Tensor guidance;   // [B] or [1], dev only (required when the model embeds guidance)
  std::vector<float> img_ids;  // [Li, 3] positions (t, row, col), row-major
  std::vector<float> txt_ids;  // [Lt, 3]; empty = zeros (FLUX.1 pipelines)
};

class FluxModel {
 public:
  FluxModel(const formats::ModelFile& m, Device& dev, const std::string& prefix = "", FluxOptions opt = {});

  // -> [B, Li, out_channels] (the predicted velocity, packed).
  Tensor forward(const FluxInputs& in) const;
  // Latent interface: x [B, C, h, w] (h, w even) is packed into 2x2 patches with image ids
  // (0, row, col), run, and unpacked. sigma [B] or [1]; guidance only for dev models.
  Tensor forward_latent(const Tensor& x, const Tensor& sigma, const Tensor& txt, const Tensor& pooled,
                        const Tensor& guidance = {}) const;

  const FluxConfig& config() const { return cfg_; }
  int64_t latent_channels() const { return cfg_.out_channels / 4; }
  uint64_t weight_bytes() const { return w_.bytes(); }
  Device& device() const { return w_.device(); }

  static uint64_t estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix = "");

 private:
  Tensor embed_vector(const FluxInputs& in, int64_t batch) const;
  WeightSet w_;
  FluxConfig cfg_;
};

}  // namespace vkflow::models
