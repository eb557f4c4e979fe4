#include "runtime/ops/conv.hpp"

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

int64_t conv_out_size(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dil) {
  return (in + 2 * pad - dil * (k - 1) - 1) / stride + 1;
}
int64_t conv_transpose_out_size(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dil, int64_t out_pad) {
  return (in - 1) * stride - 2 * pad + dil * (k - 1) + out_pad + 1;
}

namespace {

// Shared checks of the 2-D forms (1-D ones are checked as 2-D with H = 1).
Shape check_conv(std::string_view op, const Tensor& x, const Tensor& w, const Tensor& bias,
                 const Conv2dParams& p, bool transpose, int spatial) {
  const char* xl = spatial == 2 ? "[N, C, H, W]" : "[N, C, L]";
  expect_dtype(x, DType::F32, op, "x");
  expect_rank(x, spatial + 2, op, "x", xl);
  expect_float(w, op, "weight");
  expect_rank(w, spatial + 2, op, "weight", spatial == 2 ? "[O, I/groups, KH, KW]" : "[O, I/groups, K]");
  VKFLOW_EXPECT(p.groups >= 1 && p.stride_h >= 1 && p.stride_w >= 1 && p.dil_h >= 1 && p.dil_w >= 1 &&
             p.pad_h >= 0 && p.pad_w >= 0 && p.out_pad_h >= 0 && p.out_pad_w >= 0,
         op, "stride, dilation and groups must be >= 1, padding >= 0");
  int64_t cin = x.dim(1), g = p.groups;
  int64_t kh = spatial == 2 ? w.dim(2) : 1, kw = w.dim(-1);
  int64_t ih = spatial == 2 ? x.dim(2) : 1, iw = x.dim(-1);
  int64_t cout;
  if (!transpose) {
    VKFLOW_EXPECT(cin % g == 0 && w.dim(0) % g == 0, op, "channels not divisible by groups = " + std::to_string(g));
    VKFLOW_EXPECT(w.dim(1) * g == cin, op, "weight " + to_string(w.shape()) + " expects " + std::to_string(w.dim(1) * g) + " input channels, x has " + std::to_string(cin));
    cout = w.dim(0);
  } else {
    VKFLOW_EXPECT(w.dim(0) == cin && cin % g == 0, op, "weight " + to_string(w.shape()) + " expects " + std::to_string(w.dim(0)) + " input channels (divisible by groups), x has " + std::to_string(cin));
    VKFLOW_EXPECT(p.out_pad_h < std::max(p.stride_h, p.dil_h) && p.out_pad_w < std::max(p.stride_w, p.dil_w), op, "output padding must be smaller than stride or dilation");
    cout = w.dim(1) * g;
  }
  if (bias.defined()) {
    expect_dtype(bias, DType::F32, op, "bias");
    VKFLOW_EXPECT(bias.rank() == 1 && bias.dim(0) == cout, op, "bias must be [" + std::to_string(cout) + "], got " + to_string(bias.shape()));
  }
  expect_same_device({&x, &w, &bias}, op);
  int64_t oh = transpose ? conv_transpose_out_size(ih, kh, p.stride_h, p.pad_h, p.dil_h, p.out_pad_h)
                         : conv_out_size(ih, kh, p.stride_h, p.pad_h, p.dil_h);
  int64_t ow = transpose ? conv_transpose_out_size(iw, kw, p.stride_w, p.pad_w, p.dil_w, p.out_pad_w)
                         : conv_out_size(iw, kw, p.stride_w, p.pad_w, p.dil_w);
  VKFLOW_EXPECT(oh >= 1 && ow >= 1, op, "input " + to_string(x.shape()) + " is too small for kernel " + to_string(w.shape()));
  if (spatial == 2) return {x.dim(0), cout, oh, ow};
  return {x.dim(0), cout, ow};
}

Conv2dParams as_2d(const Conv1dParams& p) {
  Conv2dParams q;
  q.stride_w = p.stride;
  q.pad_w = p.pad;
  q.dil_w = p.dil;
  q.groups = p.groups;
  q.out_pad_w = p.out_pad;
  return q;
}

template <class P>
Tensor run_conv(std::string_view op, const Tensor& x, const Tensor& w, const Tensor& bias, P p,
                const Conv2dParams& as2d, bool transpose, int spatial) {
  Shape s = check_conv(op, x, w, bias, as2d, transpose, spatial);
  p.has_bias = bias.defined() ? 1 : 0;
  Tensor y = new_like(x, s);
  launch(op, {x, w, bias}, {y}, &p);
  return y;
}

}  // namespace

Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias, Conv2dParams p) {
  return run_conv("conv2d", x, w, bias, p, p, false, 2);
}
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias, Conv2dParams p) {
  return run_conv("conv_transpose2d", x, w, bias, p, p, true, 2);
}
Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias, Conv1dParams p) {
  return run_conv("conv1d", x, w, bias, p, as_2d(p), false, 1);
}
Tensor conv_transpose1d(const Tensor& x, const Tensor& w, const Tensor& bias, Conv1dParams p) {
  return run_conv("conv_transpose1d", x, w, bias, p, as_2d(p), true, 1);
}

}  // namespace vkflow::ops
