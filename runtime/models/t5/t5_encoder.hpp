#pragma once
// The T5 v1.1 encoder (transformers T5EncoderModel; FLUX's text_encoder_2 / t5xxl_*.safetensors)
// with every weight resident on one device. Weights stay at their stored type (f16, bf16, GGUF
// blocks) where the device's linear op takes it. Returns last_hidden_state after the final RMS
// norm; FluxPipeline feeds it without an attention mask, so none is applied here either.
#include <cstdint>
#include <span>
#include <string>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/common/weight_set.hpp"
#include "runtime/models/t5/t5_config.hpp"

namespace vkflow::models {

class T5Encoder {
 public:
  // prefix: "" for a T5 file (canonical names, t5_prefix_in).
  T5Encoder(const formats::ModelFile& m, Device& dev, const std::string& prefix = "", T5Options opt = {});

  // ids: batch rows of equal length. Returns [batch, len, d_model] f32 on the device.
  Tensor encode(std::span<const int64_t> ids, int64_t batch) const;

  const T5Config& config() const { return cfg_; }
  uint64_t weight_bytes() const { return w_.bytes(); }
  Device& device() const { return w_.device(); }

  // Bytes the weights take on `dev` (planner), without loading.
  static uint64_t estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix = "");

 private:
  T5Config cfg_;
  WeightSet w_;
  std::vector<float> rel_table_;  // [buckets, heads], host copy for the position bias
};

}  // namespace vkflow::models
