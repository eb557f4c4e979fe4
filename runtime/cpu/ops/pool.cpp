// CPU kernels of avg_pool2d and avg_pool1d (1-D runs as 2-D with H = 1).
#include <algorithm>

#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/ops/pool.hpp"

namespace vkflow::cpu {
namespace {

void avg_pool_kernel(const OpCall& c) {
  const auto& p = params_of<ops::AvgPoolParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  bool two_d = x.rank() == 4;
  int64_t H = two_d ? x.dim(2) : 1, W = x.dim(-1), OH = two_d ? y.dim(2) : 1, OW = y.dim(-1);
  int64_t planes = x.numel() / std::max<int64_t>(H * W, 1);
  const float* src = x.data<float>();
  float* dst = y.data<float>();
  parallel_for(planes * OH, 4, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      int64_t pl = r / OH, oh = r % OH;
      int64_t h0 = oh * p.stride_h - p.pad_h, h1 = std::min(h0 + p.kernel_h, H);
      for (int64_t ow = 0; ow < OW; ++ow) {
        int64_t w0 = ow * p.stride_w - p.pad_w, w1 = std::min(w0 + p.kernel_w, W);
        double sum = 0;
        int64_t cnt = 0;
        for (int64_t ih = std::max<int64_t>(h0, 0); ih < h1; ++ih)
          for (int64_t iw = std::max<int64_t>(w0, 0); iw < w1; ++iw, ++cnt) sum += src[(pl * H + ih) * W + iw];
        // With ceil_mode off the window never passes the padded edge: the full count is k*k.
        int64_t div = p.count_include_pad ? int64_t(p.kernel_h) * p.kernel_w : cnt;
        dst[r * OW + ow] = div ? static_cast<float>(sum / div) : 0.0f;
      }
    }
  });
}

VKFLOW_CPU_KERNEL("avg_pool2d", avg_pool_kernel, f32_only);
VKFLOW_CPU_KERNEL("avg_pool1d", avg_pool_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
