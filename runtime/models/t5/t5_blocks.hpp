#pragma once
// The pieces of a T5 v1.1 encoder forward shared by the resident (T5Encoder) and the
// streaming (T5StreamingEncoder) runners. Activations are f32 throughout: T5-XXL's hidden
// states overflow fp16 (HF keeps `wo` in fp32 for that reason).
#include <cstdint>
#include <span>
#include <string_view>

#include "runtime/core/tensor.hpp"
#include "runtime/models/common/weight_set.hpp"
#include "runtime/models/t5/t5_config.hpp"

namespace vkflow::models {

// Which op consumes each T5 weight: the embedding table feeds get_rows, 2-D matrices linear,
// norms and the position-bias table stay f32.
WeightUse t5_weight_use(std::string_view name, const Shape& shape);

// Checks ids (rows of equal length, inside the vocabulary); returns the row length.
int64_t t5_check_ids(std::span<const int64_t> ids, int64_t batch, const T5Config& c);

// Embedding rows for the ids: [batch, len, d_model] f32 on the table's device.
Tensor t5_embed(const Tensor& table, std::span<const int64_t> ids, int64_t batch);

// One encoder block i (weights "encoder.block.<i>.*" in `w`): pre-RMS-norm self-attention
// without score scaling plus the shared position bias, then the (gated-)GELU feed-forward,
// each added to the residual.
Tensor t5_block(const WeightSet& w, int64_t i, const T5Config& c, const Tensor& x, const Tensor& bias);

}  // namespace vkflow::models
