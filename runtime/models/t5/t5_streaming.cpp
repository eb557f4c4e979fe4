#include "runtime/models/t5/t5_streaming.hpp"

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/models/t5/t5_blocks.hpp"
#include "runtime/models/t5/t5_position_bias.hpp"
#include "runtime/ops/norm.hpp"

namespace vkflow::models {
namespace {

// Block weights, without block 0's position-bias table (read once, to the host).
WeightFilter block_filter(int64_t i) {
  return [head = t5names::block(i)](std::string_view name) {
    return name.starts_with(head) && name.find("relative_attention_bias") == std::string_view::npos;
  };
}

}  // namespace

T5StreamingEncoder::T5StreamingEncoder(const formats::ModelFile& m, Device& dev, const std::string& prefix, T5Options opt)
    : file_(m),
      prefix_(prefix),
      dev_(&dev),
      cfg_(t5_config(m, prefix, opt)),
      embed_(WeightSet::load(m, cpu::device(), prefix, t5_weight_use,
                             [](std::string_view n) { return n == t5names::kShared; })),
      final_norm_(WeightSet::load(m, dev, prefix, t5_weight_use, [](std::string_view n) { return n == t5names::kFinalNorm; })),
      rel_table_(m.read_f32(prefix + t5names::kRelBias)) {}

WeightSet T5StreamingEncoder::load_block(int64_t i) const {
  return WeightSet::load(file_, *dev_, prefix_, t5_weight_use, block_filter(i));
}

uint64_t T5StreamingEncoder::block_bytes(int64_t i) const {
  return WeightSet::estimate_bytes(file_, *dev_, prefix_, t5_weight_use, block_filter(i));
}

Tensor T5StreamingEncoder::encode(std::span<const int64_t> ids, int64_t batch) const {
  const int64_t len = t5_check_ids(ids, batch, cfg_);
  const Tensor host_x = t5_embed(embed_.get(t5names::kShared), ids, batch);
  Tensor x = Tensor::from_host(*dev_, DType::F32, host_x.shape(), host_x.host_data());
  const Tensor bias = t5_position_bias(*dev_, rel_table_, cfg_.buckets, cfg_.heads, len, cfg_.max_distance);
  WeightSet cur = load_block(0);
  for (int64_t i = 0; i < cfg_.layers; ++i) {
    x = t5_block(cur, i, cfg_, x, bias);  // enqueued
    WeightSet next = i + 1 < cfg_.layers ? load_block(i + 1) : WeightSet{};
    // Block i's weights and temporaries are freed once its work completes: at most two
    // blocks' weights and one block's temporaries are on the device at any time.
    dev_->synchronize();
    cur = std::move(next);
  }
  return ops::rms_norm(x, final_norm_.get(t5names::kFinalNorm), cfg_.eps);
}

}  // namespace vkflow::models
