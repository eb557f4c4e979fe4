#include "runtime/models/common/layers.hpp"

#include "runtime/ops/attention.hpp"
#include "runtime/ops/conv.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"

namespace vkflow::models {
namespace {

std::string join(std::string_view name, const char* suffix) { return std::string(name) + suffix; }

Tensor optional_bias(const WeightSet& w, std::string_view name) {
  const Tensor* b = w.find(join(name, ".bias"));
  return b ? *b : Tensor{};
}

}  // namespace

Tensor linear(const WeightSet& w, std::string_view name, const Tensor& x) {
  Tensor weight = w.get(join(name, ".weight"));
  if (weight.rank() == 4) {
    if (weight.dim(2) != 1 || weight.dim(3) != 1)
      throw w.error(join(name, ".weight"), "expected a 1x1 convolution, got " + to_string(weight.shape()));
    weight = weight.view({weight.dim(0), weight.dim(1)});
  }
  return ops::linear(x, weight, optional_bias(w, name));
}

Tensor conv2d(const WeightSet& w, std::string_view name, const Tensor& x, int stride, int pad) {
  const Tensor& weight = w.get(join(name, ".weight"));
  if (weight.rank() != 4) throw w.error(join(name, ".weight"), "expected a 4-D convolution weight");
  ops::Conv2dParams p;
  p.stride_h = p.stride_w = stride;
  p.pad_h = pad >= 0 ? pad : static_cast<int32_t>(weight.dim(2) / 2);
  p.pad_w = pad >= 0 ? pad : static_cast<int32_t>(weight.dim(3) / 2);
  return ops::conv2d(x, weight, optional_bias(w, name), p);
}

Tensor group_norm(const WeightSet& w, std::string_view name, const Tensor& x, int groups, float eps) {
  return ops::group_norm(x, groups, w.get(join(name, ".weight")), optional_bias(w, name), eps);
}

Tensor layer_norm(const WeightSet& w, std::string_view name, const Tensor& x, float eps) {
  return ops::layer_norm(x, w.get(join(name, ".weight")), optional_bias(w, name), eps);
}

Tensor to_tokens(const Tensor& x) {
  const int64_t b = x.dim(0), c = x.dim(1), hw = x.dim(2) * x.dim(3);
  return ops::permute(x.view({b, c, hw}), {0, 2, 1});
}

Tensor from_tokens(const Tensor& x, int64_t h, int64_t w) {
  const int64_t b = x.dim(0), c = x.dim(2);
  return ops::permute(x, {0, 2, 1}).view({b, c, h, w});
}

Tensor multi_head_attention(const Tensor& q, const Tensor& k, const Tensor& v, int heads, bool causal,
                            const Tensor& mask, float scale) {
  const int64_t b = q.dim(0), lq = q.dim(1), lk = k.dim(1), c = q.dim(2), d = c / heads;
  // Single head: [B, L, C] is already [B, 1, L, C]; no permutes needed.
  if (heads == 1) return ops::attention(q.view({b, 1, lq, c}), k.view({b, 1, lk, c}), v.view({b, 1, lk, c}), mask, causal, scale)
                      .view({b, lq, c});
  auto split = [&](const Tensor& t, int64_t l) { return ops::permute(t.view({b, l, heads, d}), {0, 2, 1, 3}); };
  Tensor o = ops::attention(split(q, lq), split(k, lk), split(v, lk), mask, causal, scale);
  return ops::permute(o, {0, 2, 1, 3}).view({b, lq, c});
}

int64_t weight_dim(const WeightSet& w, std::string_view name, int axis) {
  const Tensor& t = w.get(name);
  if (axis >= t.rank()) throw w.error(name, "rank " + std::to_string(t.rank()) + " is too small");
  return t.dim(axis);
}

}  // namespace vkflow::models
