// GRU layer on Vulkan (RMVPE's bidirectional GRU): the input projections of all time steps
// in one GEMM per direction, then one small dispatch per step for the recurrent part.
#include "runtime/ops/gru.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"
#include "runtime/vulkan/ops/matmul_dispatch.hpp"

namespace vkflow::vulkan {
namespace {

void fill_zero(VulkanDevice& dev, const Tensor& t) {
  struct { uint32_t n; float v; } p{checked_u32(t.numel(), "elements"), 0.0f};
  const auto& pipe = dev.pipeline("fill", 1, sizeof(p), spec_wg());
  Grid g = grid_for(p.n);
  dev.dispatch(pipe, {out(t)}, p, g.x, g.y);
}

void gru(VulkanDevice& dev, const OpCall& c) {
  const auto& gp = params_of<ops::GruParams>(c);
  const Tensor& x = c.inputs[0];
  const Tensor& y = c.outputs[0];
  int64_t B = x.dim(0), T = x.dim(1), I = x.dim(2), H = gp.hidden;
  uint32_t dirs = gp.bidirectional ? 2 : 1;
  Tensor gi = Tensor::empty(dev, DType::F32, {B, T, 3 * H});
  Tensor h[2] = {Tensor::empty(dev, DType::F32, {B, H}), Tensor::empty(dev, DType::F32, {B, H})};
  const auto& step = dev.pipeline("gru_step", 6, 24, {64});
  for (uint32_t dir = 0; dir < dirs; ++dir) {
    const Tensor &w_ih = c.inputs[1 + 4 * dir], &w_hh = c.inputs[2 + 4 * dir];
    const Tensor &b_ih = c.inputs[3 + 4 * dir], &b_hh = c.inputs[4 + 4 * dir];
    GemmArgs g{x, w_ih, b_ih, gi};
    g.M = B * T, g.N = 3 * H, g.K = I;
    gemm(dev, g);
    fill_zero(dev, h[0]);
    for (int64_t s = 0; s < T; ++s) {
      uint32_t t = static_cast<uint32_t>(dir ? T - 1 - s : s);
      struct { uint32_t B, T, H, t, dirs, dir; } p{checked_u32(B, "B"), checked_u32(T, "T"), checked_u32(H, "H"), t, dirs, dir};
      const Tensor &hin = h[s % 2], &hout = h[(s + 1) % 2];
      Grid gr = grid_for(uint64_t(B) * H, 64);
      dev.dispatch(step, {in(gi), in(w_hh), in(b_hh), in(hin), out(hout), out(y)}, p, gr.x, gr.y, 1,
                   6.0 * double(B) * H * H);
    }
  }
}

}  // namespace

VKFLOW_VK_KERNEL("gru", gru, [](DType t) { return t == DType::F32; });

}  // namespace vkflow::vulkan
