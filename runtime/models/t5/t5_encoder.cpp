#include "runtime/models/t5/t5_encoder.hpp"

#include "runtime/models/t5/t5_blocks.hpp"
#include "runtime/models/t5/t5_position_bias.hpp"
#include "runtime/ops/norm.hpp"

namespace vkflow::models {

uint64_t T5Encoder::estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix) {
  return WeightSet::estimate_bytes(m, dev, prefix, t5_weight_use);
}

T5Encoder::T5Encoder(const formats::ModelFile& m, Device& dev, const std::string& prefix, T5Options opt)
    : cfg_(t5_config(m, prefix, opt)),
      w_(WeightSet::load(m, dev, prefix, t5_weight_use)),
      rel_table_(m.read_f32(prefix + t5names::kRelBias)) {}

Tensor T5Encoder::encode(std::span<const int64_t> ids, int64_t batch) const {
  const int64_t len = t5_check_ids(ids, batch, cfg_);
  Tensor x = t5_embed(w_.get(t5names::kShared), ids, batch);
  const Tensor bias = t5_position_bias(device(), rel_table_, cfg_.buckets, cfg_.heads, len, cfg_.max_distance);
  for (int64_t i = 0; i < cfg_.layers; ++i) {
    x = t5_block(w_, i, cfg_, x, bias);
    // A GPU backend frees a block's temporaries only once the submission that used them
    // completes; waiting per block bounds the peak to one block's (t5_encoder_estimate).
    device().synchronize();
  }
  return ops::rms_norm(x, w_.get(t5names::kFinalNorm), cfg_.eps);
}

}  // namespace vkflow::models
