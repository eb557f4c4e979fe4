// CPU kernels of group_norm, layer_norm, rms_norm and (folded) batch_norm. Statistics are
// summed in float lanes per 1024-element block and in double across blocks, so long rows
// (GroupNorm over a 512x512 VAE feature map) stay accurate.
#include <cmath>

#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/row_ops.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/norm.hpp"

namespace vkflow::cpu {
namespace {

void group_norm_kernel(const OpCall& c) {
  const auto& p = params_of<ops::GroupNormParams>(c);
  const Tensor& xt = c.inputs[0];
  int64_t N = xt.dim(0), C = xt.dim(1), S = xt.numel() / std::max<int64_t>(N * C, 1), cpg = C / p.groups;
  const float* x = xt.data<float>();
  const float* w = p.has_weight ? in_f32(c, 1) : nullptr;
  const float* b = p.has_bias ? in_f32(c, 2) : nullptr;
  float* y = out_f32(c);
  parallel_for(N * p.groups, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t ng = lo; ng < hi; ++ng) {
      int64_t c0 = (ng % p.groups) * cpg;
      const float* xs = x + ng * cpg * S;
      float* ys = y + ng * cpg * S;
      float mean, rstd;
      mean_rstd(xs, cpg * S, p.eps, mean, rstd);
      for (int64_t ci = 0; ci < cpg; ++ci) {
        float a = rstd * (w ? w[c0 + ci] : 1.0f);
        float sh = (b ? b[c0 + ci] : 0.0f) - mean * a;
        for (int64_t i = 0; i < S; ++i) ys[ci * S + i] = xs[ci * S + i] * a + sh;
      }
    }
  });
}

void layer_norm_kernel(const OpCall& c) {
  const auto& p = params_of<ops::LayerNormParams>(c);
  const Tensor& xt = c.inputs[0];
  int64_t D = xt.dim(-1), rows = xt.numel() / std::max<int64_t>(D, 1);
  const float* x = xt.data<float>();
  const float* w = p.has_weight ? in_f32(c, 1) : nullptr;
  const float* b = p.has_bias ? in_f32(c, 2) : nullptr;
  float* y = out_f32(c);
  parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(D, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      layer_norm_row(x + r * D, D, p.eps, w, b, y + r * D);
    }
  });
}

void rms_norm_kernel(const OpCall& c) {
  const auto& p = params_of<ops::RmsNormParams>(c);
  const Tensor& xt = c.inputs[0];
  int64_t D = xt.dim(-1), rows = xt.numel() / std::max<int64_t>(D, 1);
  const float* x = xt.data<float>();
  const float* w = p.has_weight ? in_f32(c, 1) : nullptr;
  float* y = out_f32(c);
  parallel_for(rows, std::max<int64_t>(1, 4096 / std::max<int64_t>(D, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      double s2 = sum_sq_dev(x + r * D, D, 0.0f);
      float rs = static_cast<float>(1.0 / std::sqrt((D ? s2 / D : 0.0) + p.eps));
      for (int64_t i = 0; i < D; ++i) y[r * D + i] = x[r * D + i] * rs * (w ? w[i] : 1.0f);
    }
  });
}

void batch_norm_kernel(const OpCall& c) {
  const Tensor& xt = c.inputs[0];
  int64_t N = xt.dim(0), C = xt.dim(1), S = xt.numel() / std::max<int64_t>(N * C, 1);
  const float *x = xt.data<float>(), *sc = in_f32(c, 1), *sh = in_f32(c, 2);
  float* y = out_f32(c);
  parallel_for(N * C, std::max<int64_t>(1, 4096 / std::max<int64_t>(S, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t nc = lo; nc < hi; ++nc) {
      float a = sc[nc % C], b = sh[nc % C];
      for (int64_t i = 0; i < S; ++i) y[nc * S + i] = x[nc * S + i] * a + b;
    }
  });
}

VKFLOW_CPU_KERNEL("group_norm", group_norm_kernel, f32_only);
VKFLOW_CPU_KERNEL("layer_norm", layer_norm_kernel, f32_only);
VKFLOW_CPU_KERNEL("rms_norm", rms_norm_kernel, f32_only);
VKFLOW_CPU_KERNEL("batch_norm", batch_norm_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
