#include "runtime/models/t5/t5_blocks.hpp"

#include <vector>

#include "runtime/models/common/layers.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models {

WeightUse t5_weight_use(std::string_view name, const Shape& shape) {
  if (name == t5names::kShared) return WeightUse::Rows;
  if (shape.size() != 2 || name.find("relative_attention_bias") != std::string_view::npos) return WeightUse::F32;
  return WeightUse::Linear;
}

int64_t t5_check_ids(std::span<const int64_t> ids, int64_t batch, const T5Config& c) {
  if (batch <= 0 || ids.empty() || ids.size() % batch != 0)
    throw Error("T5 encoder: " + std::to_string(ids.size()) + " ids do not form " + std::to_string(batch) + " rows");
  for (int64_t id : ids)
    if (id < 0 || id >= c.vocab) throw Error("T5 encoder: token id " + std::to_string(id) + " outside the vocabulary");
  return static_cast<int64_t>(ids.size()) / batch;
}

Tensor t5_embed(const Tensor& table, std::span<const int64_t> ids, int64_t batch) {
  const std::vector<int32_t> ids32(ids.begin(), ids.end());
  const int64_t len = static_cast<int64_t>(ids.size()) / batch;
  return ops::get_rows(table, Tensor::from_host(table.device(), DType::I32, {batch, len}, ids32.data()));
}

Tensor t5_block(const WeightSet& w, int64_t i, const T5Config& c, const Tensor& x, const Tensor& bias) {
  const std::string b = t5names::block(i);
  Tensor h = ops::rms_norm(x, w.get(b + "layer.0.layer_norm.weight"), c.eps);
  {
    const std::string a = b + "layer.0.SelfAttention.";
    Tensor q = linear(w, a + "q", h), k = linear(w, a + "k", h), v = linear(w, a + "v", h);
    h = multi_head_attention(q, k, v, static_cast<int>(c.heads), /*causal=*/false, bias, /*scale=*/1.0f);
    h = linear(w, a + "o", h);
  }
  Tensor r = ops::add(x, h);
  h = ops::rms_norm(r, w.get(b + "layer.1.layer_norm.weight"), c.eps);
  // Feed-forward one named step at a time, so at most three [tokens, d_ff] tensors are alive
  // (t5_encoder_estimate counts that).
  const std::string f = b + "layer.1.DenseReluDense.";
  Tensor g;
  if (c.gated) {
    g = ops::gelu_tanh(linear(w, f + "wi_0", h));  // HF "gelu_new"
    Tensor u = linear(w, f + "wi_1", h);
    h = {};
    g = ops::mul(g, u);
  } else {
    g = ops::relu(linear(w, f + "wi", h));
    h = {};
  }
  return ops::add(r, linear(w, f + "wo", g));
}

}  // namespace vkflow::models
