#include "runtime/ops/layout.hpp"

#include <algorithm>

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {
namespace {
void expect_movable(const Tensor& t, std::string_view op) {
  VKFLOW_EXPECT(t.defined(), op, "input is missing");
  VKFLOW_EXPECT(!dtype_info(t.dtype()).quantized, op, "cannot move elements of block type " + std::string(dtype_name(t.dtype())));
}
int axis_of(int axis, int rank, std::string_view op) {
  VKFLOW_EXPECT(axis >= -rank && axis < rank, op, "axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}
}  // namespace

Tensor concat(const std::vector<Tensor>& ts, int axis) {
  constexpr std::string_view op = "concat";
  VKFLOW_EXPECT(!ts.empty(), op, "needs at least one tensor");
  const Tensor& t0 = ts[0];
  expect_movable(t0, op);
  int a = axis_of(axis, t0.rank(), op);
  Shape s = t0.shape();
  s[a] = 0;
  for (size_t i = 0; i < ts.size(); ++i) {
    const Tensor& t = ts[i];
    VKFLOW_EXPECT(t.defined() && t.dtype() == t0.dtype() && t.rank() == t0.rank(), op,
           "tensor " + std::to_string(i) + " differs in dtype or rank from tensor 0");
    VKFLOW_EXPECT(&t.device() == &t0.device(), op, "tensors are on different devices");
    for (int d = 0; d < t.rank(); ++d)
      VKFLOW_EXPECT(d == a || t.shape()[d] == t0.shape()[d], op,
             "shapes " + to_string(t0.shape()) + " and " + to_string(t.shape()) + " differ outside axis " + std::to_string(a));
    s[a] += t.shape()[a];
  }
  Tensor y = new_like(t0, s, t0.dtype());
  ConcatParams p{a};
  Tensor outs[] = {y};
  launch(op, std::span<const Tensor>(ts), std::span<Tensor>(outs), &p);
  return y;
}

Tensor slice(const Tensor& x, int axis, int64_t start, int64_t end, int64_t step) {
  constexpr std::string_view op = "slice";
  expect_movable(x, op);
  int a = axis_of(axis, x.rank(), op);
  VKFLOW_EXPECT(step >= 1, op, "step must be >= 1, got " + std::to_string(step));
  int64_t n = x.shape()[a];
  auto norm = [n](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + n : i, 0, n); };
  start = norm(start);
  end = std::max(start, norm(end));
  Shape s = x.shape();
  s[a] = (end - start + step - 1) / step;
  Tensor y = new_like(x, s, x.dtype());
  SliceParams p{a, start, end, step};
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor permute(const Tensor& x, const std::vector<int>& perm) {
  constexpr std::string_view op = "permute";
  expect_movable(x, op);
  int r = x.rank();
  VKFLOW_EXPECT(static_cast<int>(perm.size()) == r && r <= kMaxRank, op,
         "permutation of " + std::to_string(perm.size()) + " axes for a tensor of rank " + std::to_string(r) + " (max 8)");
  PermuteParams p;
  p.rank = r;
  std::vector<bool> seen(r, false);
  Shape s(r);
  for (int i = 0; i < r; ++i) {
    int d = axis_of(perm[i], r, op);
    VKFLOW_EXPECT(!seen[d], op, "axis " + std::to_string(d) + " appears twice in the permutation");
    seen[d] = true;
    p.perm[i] = d;
    s[i] = x.shape()[d];
  }
  Tensor y = new_like(x, s, x.dtype());
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor transpose(const Tensor& x, int a, int b) {
  std::vector<int> perm(x.rank());
  for (int i = 0; i < x.rank(); ++i) perm[i] = i;
  std::swap(perm[axis_of(a, x.rank(), "transpose")], perm[axis_of(b, x.rank(), "transpose")]);
  return permute(x, perm);
}

Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode, float value) {
  constexpr std::string_view op = "pad";
  expect_dtype(x, DType::F32, op, "x");
  int r = x.rank();
  VKFLOW_EXPECT(r <= kMaxRank && pads.size() % 2 == 0 && static_cast<int>(pads.size()) <= 2 * r, op,
         "needs an even number of pads, at most 2 per dimension (rank " + std::to_string(r) + ")");
  PadParams p;
  p.rank = r;
  p.mode = static_cast<int32_t>(mode);
  p.value = value;
  Shape s = x.shape();
  for (size_t i = 0; i < pads.size() / 2; ++i) {
    int d = r - 1 - static_cast<int>(i);
    p.before[d] = pads[2 * i];
    p.after[d] = pads[2 * i + 1];
    VKFLOW_EXPECT(p.before[d] >= 0 && p.after[d] >= 0, op, "negative padding is not supported");
    if (mode == PadMode::Reflect)
      VKFLOW_EXPECT(p.before[d] < s[d] && p.after[d] < s[d], op,
             "reflect padding must be smaller than the dimension (" + std::to_string(s[d]) + ")");
    if (mode == PadMode::Replicate) VKFLOW_EXPECT(s[d] > 0, op, "cannot replicate-pad an empty dimension");
    s[d] += p.before[d] + p.after[d];
  }
  Tensor y = new_like(x, s);
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor upsample_nearest_to(const Tensor& x, int64_t out_h, int64_t out_w) {
  constexpr std::string_view op = "upsample_nearest";
  expect_dtype(x, DType::F32, op, "x");
  VKFLOW_EXPECT(x.rank() == 3 || x.rank() == 4, op, "x must be [N, C, H, W] or [N, C, L], got " + to_string(x.shape()));
  VKFLOW_EXPECT(out_h >= 1 && out_w >= 1, op, "output size must be positive");
  VKFLOW_EXPECT(x.rank() == 4 || out_h == 1, op, "a 3-D input has no height to resize");
  Shape s = x.shape();
  if (x.rank() == 4) s[2] = out_h;
  s.back() = out_w;
  Tensor y = new_like(x, s);
  UpsampleParams p{static_cast<int32_t>(out_h), static_cast<int32_t>(out_w)};
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor upsample_nearest(const Tensor& x, int scale) {
  VKFLOW_EXPECT(scale >= 1, "upsample_nearest", "scale must be >= 1");
  VKFLOW_EXPECT(x.defined(), "upsample_nearest", "x is missing");
  return upsample_nearest_to(x, x.rank() == 4 ? x.dim(2) * scale : 1, x.dim(-1) * scale);
}

}  // namespace vkflow::ops
