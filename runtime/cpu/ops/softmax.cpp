// CPU kernel of softmax over the last dimension with scale and a broadcast additive mask.
#include <cmath>
#include <limits>
#include <vector>

#include "runtime/core/broadcast.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/ops/softmax.hpp"

namespace vkflow::cpu {
namespace {

void softmax_kernel(const OpCall& c) {
  const auto& p = params_of<ops::SoftmaxParams>(c);
  const Tensor& xt = c.inputs[0];
  int64_t D = xt.dim(-1), rows = xt.numel() / std::max<int64_t>(D, 1);
  const float* x = xt.data<float>();
  const float* mask = p.has_mask ? in_f32(c, 1) : nullptr;
  std::vector<int64_t> mst;
  if (mask) mst = broadcast_strides(c.inputs[1].shape(), xt.shape());
  const Shape& s = xt.shape();
  float* y = out_f32(c);
  parallel_for(rows, std::max<int64_t>(1, 2048 / std::max<int64_t>(D, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const float* xr = x + r * D;
      float* yr = y + r * D;
      const float* mr = nullptr;
      int64_t mstep = 0;
      if (mask) {  // offset of this row in the broadcast mask
        int64_t off = 0, rem = r;
        for (int d = static_cast<int>(s.size()) - 2; d >= 0; --d) {
          off += (rem % s[d]) * mst[d];
          rem /= s[d];
        }
        mr = mask + off;
        mstep = mst.back();
      }
      float mx = -std::numeric_limits<float>::infinity();
      for (int64_t i = 0; i < D; ++i) {
        float v = xr[i] * p.scale + (mr ? mr[i * mstep] : 0.0f);
        yr[i] = v;
        mx = std::max(mx, v);
      }
      if (mx == -std::numeric_limits<float>::infinity()) {  // fully masked row
        std::fill(yr, yr + D, 0.0f);
        continue;
      }
      double sum = 0;
      for (int64_t i = 0; i < D; ++i) {
        yr[i] = std::exp(yr[i] - mx);
        sum += yr[i];
      }
      float inv = static_cast<float>(1.0 / sum);
      for (int64_t i = 0; i < D; ++i) yr[i] *= inv;
    }
  });
}

VKFLOW_CPU_KERNEL("softmax", softmax_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
