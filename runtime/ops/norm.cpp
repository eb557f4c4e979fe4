#include "runtime/ops/norm.hpp"

#include <cmath>

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {
namespace {
void expect_vec(const Tensor& t, int64_t n, std::string_view op, std::string_view what) {
  if (!t.defined()) return;
  expect_dtype(t, DType::F32, op, what);
  VKFLOW_EXPECT(t.rank() == 1 && t.dim(0) == n, op,
         std::string(what) + " must be [" + std::to_string(n) + "], got " + to_string(t.shape()));
}
}  // namespace

Tensor group_norm(const Tensor& x, int groups, const Tensor& weight, const Tensor& bias, float eps) {
  constexpr std::string_view op = "group_norm";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 2, op, "x must be [N, C, ...], got " + to_string(x.shape()));
  VKFLOW_EXPECT(groups >= 1 && x.dim(1) % groups == 0, op,
         std::to_string(x.dim(1)) + " channels are not divisible into " + std::to_string(groups) + " groups");
  expect_vec(weight, x.dim(1), op, "weight");
  expect_vec(bias, x.dim(1), op, "bias");
  expect_same_device({&x, &weight, &bias}, op);
  GroupNormParams p{groups, eps, weight.defined(), bias.defined()};
  Tensor y = new_like(x, x.shape());
  launch(op, {x, weight, bias}, {y}, &p);
  return y;
}

Tensor layer_norm(const Tensor& x, const Tensor& weight, const Tensor& bias, float eps) {
  constexpr std::string_view op = "layer_norm";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 1, op, "x must have at least one dimension");
  expect_vec(weight, x.dim(-1), op, "weight");
  expect_vec(bias, x.dim(-1), op, "bias");
  expect_same_device({&x, &weight, &bias}, op);
  LayerNormParams p{eps, weight.defined(), bias.defined()};
  Tensor y = new_like(x, x.shape());
  launch(op, {x, weight, bias}, {y}, &p);
  return y;
}

Tensor rms_norm(const Tensor& x, const Tensor& weight, float eps) {
  constexpr std::string_view op = "rms_norm";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 1, op, "x must have at least one dimension");
  expect_vec(weight, x.dim(-1), op, "weight");
  expect_same_device({&x, &weight}, op);
  RmsNormParams p{eps, weight.defined()};
  Tensor y = new_like(x, x.shape());
  launch(op, {x, weight}, {y}, &p);
  return y;
}

Tensor batch_norm(const Tensor& x, const Tensor& scale, const Tensor& shift) {
  constexpr std::string_view op = "batch_norm";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() >= 2, op, "x must be [N, C, ...], got " + to_string(x.shape()));
  VKFLOW_EXPECT(scale.defined() && shift.defined(), op, "scale and shift are required");
  expect_vec(scale, x.dim(1), op, "scale");
  expect_vec(shift, x.dim(1), op, "shift");
  expect_same_device({&x, &scale, &shift}, op);
  Tensor y = new_like(x, x.shape());
  launch(op, {x, scale, shift}, {y}, nullptr);
  return y;
}

void fold_batch_norm(const std::vector<float>& mean, const std::vector<float>& var,
                     const std::vector<float>& weight, const std::vector<float>& bias, float eps,
                     std::vector<float>& scale, std::vector<float>& shift) {
  size_t c = mean.size();
  VKFLOW_EXPECT(var.size() == c && weight.size() == c && bias.size() == c, "fold_batch_norm",
         "mean, var, weight and bias must have the same length");
  scale.resize(c);
  shift.resize(c);
  for (size_t i = 0; i < c; ++i) {
    scale[i] = static_cast<float>(weight[i] / std::sqrt(double(var[i]) + eps));
    shift[i] = static_cast<float>(bias[i] - double(mean[i]) * scale[i]);
  }
}

}  // namespace vkflow::ops
