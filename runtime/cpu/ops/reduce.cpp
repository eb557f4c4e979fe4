// CPU kernels of cumsum (any axis), argmax and top-k (last dimension).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/ops/reduce.hpp"

namespace vkflow::cpu {
namespace {

void cumsum_kernel(const OpCall& c) {
  int a = params_of<ops::CumsumParams>(c).axis;
  const Tensor& xt = c.inputs[0];
  const Shape& s = xt.shape();
  int64_t n = s[a], inner = 1;
  for (int i = a + 1; i < xt.rank(); ++i) inner *= s[i];
  int64_t lines = n ? xt.numel() / n : 0;
  const float* x = xt.data<float>();
  float* y = out_f32(c);
  parallel_for(lines, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t li = lo; li < hi; ++li) {
      int64_t base = (li / inner) * n * inner + li % inner;
      double acc = 0;
      for (int64_t k = 0; k < n; ++k) {
        acc += x[base + k * inner];
        y[base + k * inner] = static_cast<float>(acc);
      }
    }
  });
}

// a ranks above b: larger value first, NaN largest, equal values by lower index.
bool ranks_above(float a, int64_t ia, float b, int64_t ib) {
  bool na = std::isnan(a), nb = std::isnan(b);
  if (na || nb) return na && (!nb || ia < ib);
  return a > b || (a == b && ia < ib);
}

void argmax_kernel(const OpCall& c) {
  const Tensor& xt = c.inputs[0];
  int64_t D = xt.dim(-1), rows = xt.numel() / D;
  const float* x = xt.data<float>();
  int32_t* y = c.outputs[0].data<int32_t>();
  parallel_for(rows, std::max<int64_t>(1, 4096 / D), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const float* xr = x + r * D;
      int64_t best = 0;
      for (int64_t i = 1; i < D; ++i)
        if (ranks_above(xr[i], i, xr[best], best)) best = i;
      y[r] = static_cast<int32_t>(best);
    }
  });
}

void topk_kernel(const OpCall& c) {
  int k = params_of<ops::TopkParams>(c).k;
  const Tensor& xt = c.inputs[0];
  int64_t D = xt.dim(-1), rows = xt.numel() / D;
  const float* x = xt.data<float>();
  float* vals = c.outputs[0].data<float>();
  int32_t* idx = c.outputs[1].data<int32_t>();
  parallel_for(rows, std::max<int64_t>(1, 4096 / D), [&](int64_t lo, int64_t hi) {
    std::vector<int32_t> order(D);
    for (int64_t r = lo; r < hi; ++r) {
      const float* xr = x + r * D;
      std::iota(order.begin(), order.end(), 0);
      std::partial_sort(order.begin(), order.begin() + k, order.end(),
                        [&](int32_t a, int32_t b) { return ranks_above(xr[a], a, xr[b], b); });
      for (int i = 0; i < k; ++i) {
        vals[r * k + i] = xr[order[i]];
        idx[r * k + i] = order[i];
      }
    }
  });
}

VKFLOW_CPU_KERNEL("cumsum", cumsum_kernel, f32_only);
VKFLOW_CPU_KERNEL("argmax", argmax_kernel, f32_only);
VKFLOW_CPU_KERNEL("topk", topk_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
