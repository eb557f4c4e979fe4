#include "runtime/ops/pool.hpp"

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor avg_pool(const Tensor& x, AvgPoolParams p) {
  bool two_d = x.defined() && x.rank() == 4;
  std::string_view op = two_d ? "avg_pool2d" : "avg_pool1d";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() == 3 || x.rank() == 4, op, "x must be [N, C, L] or [N, C, H, W], got " + to_string(x.shape()));
  if (!two_d) {
    p.kernel_h = p.stride_h = 1;
    p.pad_h = 0;
  }
  VKFLOW_EXPECT(p.kernel_h >= 1 && p.kernel_w >= 1 && p.stride_h >= 1 && p.stride_w >= 1, op, "kernel and stride must be >= 1");
  VKFLOW_EXPECT(p.pad_h >= 0 && p.pad_w >= 0 && 2 * p.pad_h <= p.kernel_h && 2 * p.pad_w <= p.kernel_w, op,
         "padding must be at most half the kernel");
  int64_t ih = two_d ? x.dim(2) : 1, iw = x.dim(-1);
  int64_t oh = (ih + 2 * p.pad_h - p.kernel_h) / p.stride_h + 1, ow = (iw + 2 * p.pad_w - p.kernel_w) / p.stride_w + 1;
  VKFLOW_EXPECT(ih + 2 * p.pad_h >= p.kernel_h && iw + 2 * p.pad_w >= p.kernel_w, op, "input smaller than the kernel");
  Shape s = x.shape();
  if (two_d) s[2] = oh;
  s.back() = ow;
  Tensor y = new_like(x, s);
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor avg_pool2d(const Tensor& x, int kernel, int stride, int pad, bool count_include_pad) {
  VKFLOW_EXPECT(x.defined() && x.rank() == 4, "avg_pool2d", "x must be [N, C, H, W]");
  AvgPoolParams p{kernel, kernel, stride ? stride : kernel, stride ? stride : kernel, pad, pad, count_include_pad};
  return avg_pool(x, p);
}

Tensor avg_pool1d(const Tensor& x, int kernel, int stride, int pad, bool count_include_pad) {
  VKFLOW_EXPECT(x.defined() && x.rank() == 3, "avg_pool1d", "x must be [N, C, L]");
  AvgPoolParams p{1, kernel, 1, stride ? stride : kernel, 0, pad, count_include_pad};
  return avg_pool(x, p);
}

}  // namespace vkflow::ops
