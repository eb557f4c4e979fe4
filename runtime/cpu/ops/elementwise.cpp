// CPU kernels of the elementwise unary ops (gelu ... clamp) and of add/sub/mul/div with
// NumPy broadcasting (fast paths for equal shapes and a scalar operand).
#include <algorithm>
#include <cmath>
#include <vector>

#include "runtime/core/broadcast.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/row_ops.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::cpu {
namespace {

constexpr int64_t kGrain = 16384;

template <class F>
void map_unary(const OpCall& c, F f) {
  const auto& p = params_of<ops::UnaryParams>(c);
  const float* x = in_f32(c, 0);
  float* y = out_f32(c);
  parallel_for(c.inputs[0].numel(), kGrain, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) y[i] = f(x[i], p);
  });
}

// Ops built on exp: t = exp(pre(x)) for a block in a small buffer (vectorised exp), then
// y = post(x, t). Saturation is handled by exp giving 0 or inf.
template <class Pre, class Post>
void map_exp(const OpCall& c, Pre pre, Post post) {
  const float* x = in_f32(c, 0);
  float* y = out_f32(c);
  parallel_for(c.inputs[0].numel(), kGrain, [&](int64_t b, int64_t e) {
    float t[256];
    for (int64_t i0 = b; i0 < e; i0 += 256) {
      int64_t m = std::min<int64_t>(256, e - i0);
      for (int64_t j = 0; j < m; ++j) t[j] = pre(x[i0 + j]);
      exp_inplace(t, m);
      for (int64_t j = 0; j < m; ++j) y[i0 + j] = post(x[i0 + j], t[j]);
    }
  });
}

#define VKFLOW_EXP_UNARY(name, pre, post)                                                       \
  VKFLOW_CPU_KERNEL(                                                                            \
      name, [](const OpCall& c) { map_exp(c, [](float x) { return pre; }, [](float x, float t) { (void)x; return post; }); }, \
      f32_only)

using P = ops::UnaryParams;

#define VKFLOW_UNARY(name, expr)                                                   \
  VKFLOW_CPU_KERNEL(                                                               \
      name, [](const OpCall& c) { map_unary(c, [](float x, const P& p) { (void)p; return expr; }); }, f32_only)

VKFLOW_EXP_UNARY("gelu", -0.5f * x * x, gelu_post(x, t));
// tanh(z) = 1 - 2 / (exp(2z) + 1), so 0.5 x (1 + tanh z) = x - x / (exp(2z) + 1).
VKFLOW_EXP_UNARY("gelu_tanh", 1.5957691216057308f * (x + 0.044715f * x * x * x), x - x / (t + 1.0f));
VKFLOW_EXP_UNARY("quick_gelu", -1.702f * x, x / (1.0f + t));
VKFLOW_EXP_UNARY("silu", -x, x / (1.0f + t));
VKFLOW_UNARY("relu", x > 0.0f ? x : 0.0f);
VKFLOW_UNARY("leaky_relu", x >= 0.0f ? x : x * p.alpha);
VKFLOW_EXP_UNARY("tanh", 2.0f * x, 1.0f - 2.0f / (t + 1.0f));
VKFLOW_EXP_UNARY("sigmoid", -x, 1.0f / (1.0f + t));
VKFLOW_EXP_UNARY("exp", x, t);
VKFLOW_UNARY("scale", x * p.alpha + p.beta);
VKFLOW_UNARY("clamp", std::min(std::max(x, p.alpha), p.beta));

template <class F>
void map_binary(const OpCall& c, F f) {
  const Tensor &at = c.inputs[0], &bt = c.inputs[1], &yt = c.outputs[0];
  const float *a = at.data<float>(), *b = bt.data<float>();
  float* y = yt.data<float>();
  int64_t n = yt.numel();
  if (at.shape() == bt.shape()) {
    parallel_for(n, kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) y[i] = f(a[i], b[i]);
    });
    return;
  }
  if (bt.numel() == 1 && at.numel() == n) {
    float s = b[0];
    parallel_for(n, kGrain, [&](int64_t lo, int64_t hi) {
      for (int64_t i = lo; i < hi; ++i) y[i] = f(a[i], s);
    });
    return;
  }
  // General case: rows of the output's last dimension, operands advanced by their strides.
  const Shape& s = yt.shape();
  std::vector<int64_t> sa = broadcast_strides(at.shape(), s), sb = broadcast_strides(bt.shape(), s);
  int64_t inner = s.empty() ? 1 : s.back(), rows = inner ? n / inner : 0;
  int64_t ia = s.empty() ? 0 : sa.back(), ib = s.empty() ? 0 : sb.back();
  parallel_for(rows, std::max<int64_t>(1, kGrain / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      int64_t oa = 0, ob = 0, rem = r;
      for (int d = static_cast<int>(s.size()) - 2; d >= 0; --d) {
        int64_t idx = rem % s[d];
        rem /= s[d];
        oa += idx * sa[d];
        ob += idx * sb[d];
      }
      float* yr = y + r * inner;
      for (int64_t j = 0; j < inner; ++j) yr[j] = f(a[oa + j * ia], b[ob + j * ib]);
    }
  });
}

VKFLOW_CPU_KERNEL("add", [](const OpCall& c) { map_binary(c, [](float a, float b) { return a + b; }); }, f32_only);
VKFLOW_CPU_KERNEL("sub", [](const OpCall& c) { map_binary(c, [](float a, float b) { return a - b; }); }, f32_only);
VKFLOW_CPU_KERNEL("mul", [](const OpCall& c) { map_binary(c, [](float a, float b) { return a * b; }); }, f32_only);
VKFLOW_CPU_KERNEL("div", [](const OpCall& c) { map_binary(c, [](float a, float b) { return a / b; }); }, f32_only);

}  // namespace
}  // namespace vkflow::cpu
