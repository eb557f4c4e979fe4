#include "runtime/ops/gru.hpp"

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {
namespace {
void check_dir(const GruWeights& w, int64_t I, int64_t H, std::string_view op, const std::string& dir) {
  auto shape_is = [&](const Tensor& t, Shape s, const char* name) {
    expect_dtype(t, DType::F32, op, dir + " " + name);
    VKFLOW_EXPECT(t.shape() == s, op, dir + " " + name + " must be " + to_string(s) + ", got " + to_string(t.shape()));
  };
  shape_is(w.w_ih, {3 * H, I}, "w_ih");
  shape_is(w.w_hh, {3 * H, H}, "w_hh");
  shape_is(w.b_ih, {3 * H}, "b_ih");
  shape_is(w.b_hh, {3 * H}, "b_hh");
}
}  // namespace

Tensor gru(const Tensor& x, const GruWeights& fwd, const GruWeights* rev) {
  constexpr std::string_view op = "gru";
  expect_dtype(x, DType::F32, op, "x");
  expect_rank(x, 3, op, "x", "[B, T, I] (batch first)");
  VKFLOW_EXPECT(fwd.w_hh.defined() && fwd.w_hh.rank() == 2, op, "forward w_hh must be [3H, H]");
  int64_t H = fwd.w_hh.dim(1), I = x.dim(2);
  check_dir(fwd, I, H, op, "forward");
  if (rev) check_dir(*rev, I, H, op, "reverse");
  expect_same_device({&x, &fwd.w_ih, &fwd.w_hh, &fwd.b_ih, &fwd.b_hh}, op);
  GruParams p{static_cast<int32_t>(H), rev ? 1 : 0};
  Tensor y = new_like(x, {x.dim(0), x.dim(1), H * (rev ? 2 : 1)});
  if (rev)
    launch(op, {x, fwd.w_ih, fwd.w_hh, fwd.b_ih, fwd.b_hh, rev->w_ih, rev->w_hh, rev->b_ih, rev->b_hh}, {y}, &p);
  else
    launch(op, {x, fwd.w_ih, fwd.w_hh, fwd.b_ih, fwd.b_hh}, {y}, &p);
  return y;
}

}  // namespace vkflow::ops
