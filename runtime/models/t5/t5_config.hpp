#pragma once
// T5 v1.1 encoder configuration (FLUX's T5-XXL: d_model 4096, 24 blocks, 64 heads of 64,
// d_ff 10240, gated-GELU, 32 relative-position buckets up to distance 128). Every size comes
// from the weights; only the bucket layout cannot be seen there and has T5's defaults.
#include <cstdint>
#include <optional>
#include <string>

#include "runtime/formats/model_file.hpp"

namespace vkflow::models {

struct T5Config {
  int64_t vocab = 0, d_model = 0, inner = 0, heads = 0, d_ff = 0, layers = 0;
  int64_t buckets = 32, max_distance = 128;  // relative_attention_num_buckets / _max_distance
  bool gated = true;                         // wi_0/wi_1 gated-GELU (v1.1) or wi + ReLU (v1.0)
  float eps = 1e-6f;
  int64_t head_dim() const { return inner / heads; }
};

// Overrides for what a file cannot tell (HF config.json, when present, sets them too).
struct T5Options {
  std::optional<int64_t> buckets, max_distance;
};

// Weight names under the component prefix (HF T5EncoderModel, formats canonical names).
namespace t5names {
inline const std::string kShared = "shared.weight";
inline const std::string kFinalNorm = "encoder.final_layer_norm.weight";
inline const std::string kRelBias = "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight";
inline std::string block(int64_t i) { return "encoder.block." + std::to_string(i) + "."; }
}  // namespace t5names

// The configuration of the T5 encoder stored under `prefix` in `m` (FormatError naming the
// file when a weight is missing or shapes disagree).
T5Config t5_config(const formats::ModelFile& m, const std::string& prefix, const T5Options& opt = {});

// The component prefix of a T5 encoder in an opened file ("" for t5xxl_*.safetensors).
std::string t5_prefix_in(const formats::ModelFile& m);

}  // namespace vkflow::models
