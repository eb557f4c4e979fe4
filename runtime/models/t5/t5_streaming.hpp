#pragma once
// T5 encoder with streamed weights, for a GPU too small for the whole model (T5-XXL fp16 is
// 9.3 GB; an RX 580 has 8 GiB): the embedding table stays in host RAM and the lookup runs on
// the CPU device; each block's weights are uploaded to the device just before the block
// runs and freed after it. Block i+1 is loaded right after block i is enqueued, so a backend
// whose uploads do not wait for queued work overlaps the two (the Vulkan backend's uploads
// currently wait, so the transfer is not hidden yet); at most two blocks are resident at
// once — what t5_encoder_estimate's "stream weights" option accounts for. Numerics are those
// of T5Encoder (same block code, same weight types).
#include <cstdint>
#include <span>
#include <string>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/common/weight_set.hpp"
#include "runtime/models/t5/t5_config.hpp"

namespace vkflow::models {

class T5StreamingEncoder {
 public:
  // Reads no block weights yet; keeps a handle on the (memory-mapped) file.
  T5StreamingEncoder(const formats::ModelFile& m, Device& dev, const std::string& prefix = "", T5Options opt = {});

  // As T5Encoder::encode: [batch, len, d_model] f32 on the device.
  Tensor encode(std::span<const int64_t> ids, int64_t batch) const;

  const T5Config& config() const { return cfg_; }
  Device& device() const { return *dev_; }
  // Device bytes held between calls (the final norm) and the largest block's weights.
  uint64_t resident_bytes() const { return final_norm_.bytes(); }
  uint64_t block_bytes(int64_t i) const;

 private:
  WeightSet load_block(int64_t i) const;

  formats::ModelFile file_;
  std::string prefix_;
  Device* dev_;
  T5Config cfg_;
  WeightSet embed_;       // shared.weight on the CPU device (host RAM)
  WeightSet final_norm_;  // on the device
  std::vector<float> rel_table_;
};

}  // namespace vkflow::models
