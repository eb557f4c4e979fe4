// softmax (scale, broadcast mask), layer/rms/group norm and folded batch norm on Vulkan:
// one workgroup per row / group with shared-memory reductions.
#include "runtime/core/broadcast.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/softmax.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"

namespace vkflow::vulkan {
namespace {

void softmax(VulkanDevice& dev, const OpCall& c) {
  const auto& sp = params_of<ops::SoftmaxParams>(c);
  const Tensor& x = c.inputs[0];
  const Tensor& mask = c.inputs.size() > 1 ? c.inputs[1] : Tensor();
  struct { uint32_t rows, D; float scale; uint32_t has_mask, rank, dims[6], ms[6]; } p{};
  p.D = checked_u32(x.rank() ? x.dim(-1) : 1, "softmax D");
  p.rows = p.D ? checked_u32(x.numel() / p.D, "softmax rows") : 0;
  p.scale = sp.scale;
  p.has_mask = sp.has_mask && mask.defined();
  if (p.has_mask) {
    Strided s = coalesce(x.shape(), {broadcast_strides(mask.shape(), x.shape())});
    to_push(s, p.rank, p.dims, {p.ms}, "softmax mask");
  }
  const auto& pipe = dev.pipeline("softmax", 3, sizeof(p), spec_wg());
  Grid g = grid_for(p.rows, 1);
  dev.dispatch(pipe, {in(x), in(or_dummy(dev, mask)), out(c.outputs[0])}, p, g.x, g.y, 1, 5.0 * x.numel());
}

void row_norm(VulkanDevice& dev, const Tensor& x, const Tensor& w, const Tensor& b, const Tensor& y, uint32_t mode,
              float eps) {
  const bool has_w = w.defined(), has_b = b.defined();
  struct { uint32_t rows, D; float eps; uint32_t has_w, has_b; } p{};
  p.D = checked_u32(x.dim(-1), "norm D");
  p.rows = p.D ? checked_u32(x.numel() / p.D, "norm rows") : 0;
  p.eps = eps;
  p.has_w = has_w;
  p.has_b = has_b;
  const auto& pipe = dev.pipeline("row_norm", 4, sizeof(p), {kWg, mode});
  Grid g = grid_for(p.rows, 1);
  dev.dispatch(pipe, {in(x), in(or_dummy(dev, w)), in(or_dummy(dev, b)), out(y)}, p, g.x, g.y, 1, 5.0 * x.numel());
}

void layer_norm(VulkanDevice& dev, const OpCall& c) {
  const auto& lp = params_of<ops::LayerNormParams>(c);
  row_norm(dev, c.inputs[0], lp.has_weight ? c.inputs[1] : Tensor(), lp.has_bias ? c.inputs[2] : Tensor(), c.outputs[0], 0,
           lp.eps);
}

void rms_norm(VulkanDevice& dev, const OpCall& c) {
  const auto& rp = params_of<ops::RmsNormParams>(c);
  row_norm(dev, c.inputs[0], rp.has_weight ? c.inputs[1] : Tensor(), Tensor(), c.outputs[0], 1, rp.eps);
}

// Two passes so that a few large groups still fill the GPU: chunk statistics from many
// workgroups (shaders/group_norm_stats.comp), then the normalization, each workgroup
// combining its group's chunks first (shaders/group_norm_apply.comp).
void group_norm(VulkanDevice& dev, const OpCall& c) {
  const auto& gp = params_of<ops::GroupNormParams>(c);
  const Tensor& x = c.inputs[0];
  int64_t N = x.dim(0), C = x.dim(1);
  if (x.numel() == 0) return;
  struct { uint32_t len, chunk, P, groups, cpg, S; float eps; uint32_t has_w, has_b; } p{};
  p.groups = checked_u32(gp.groups, "groups");
  p.cpg = checked_u32(C / gp.groups, "channels per group");
  p.S = checked_u32(x.numel() / (N * C), "spatial size");
  p.len = checked_u32(int64_t(p.cpg) * p.S, "group size");
  p.P = std::min<uint32_t>(32, (p.len + 2047) / 2048);
  p.chunk = (p.len + p.P - 1) / p.P;
  p.P = (p.len + p.chunk - 1) / p.chunk;  // every chunk non-empty
  p.eps = gp.eps;
  p.has_w = gp.has_weight;
  p.has_b = gp.has_bias;
  uint32_t ng = checked_u32(N * gp.groups, "samples*groups");
  if (ng > 65535) throw Unsupported("Vulkan group_norm: more than 65535 sample-groups");
  Tensor part = Tensor::empty(dev, DType::F32, {int64_t(ng) * p.P * 2});
  struct { uint32_t len, chunk, P; } ps{p.len, p.chunk, p.P};
  const auto& stats = dev.pipeline("group_norm_stats", 2, sizeof(ps), spec_wg());
  dev.dispatch(stats, {in(x), out(part)}, ps, p.P, ng, 1, 3.0 * x.numel());
  Tensor w = gp.has_weight ? c.inputs[1] : Tensor(), b = gp.has_bias ? c.inputs[2] : Tensor();
  constexpr uint32_t kTile = 2048;
  const auto& apply = dev.pipeline("group_norm_apply", 5, sizeof(p), {kWg, kTile});
  dev.dispatch(apply, {in(x), in(part), in(or_dummy(dev, w)), in(or_dummy(dev, b)), out(c.outputs[0])}, p,
               (p.len + kTile - 1) / kTile, ng, 1, 4.0 * x.numel());
}

void batch_norm(VulkanDevice& dev, const OpCall& c) {
  const Tensor& x = c.inputs[0];
  struct { uint32_t n, C, S; } p{};
  int64_t N = x.dim(0), C = x.dim(1);
  p.n = checked_u32(x.numel(), "elements");
  p.C = checked_u32(C, "channels");
  p.S = checked_u32(N * C ? x.numel() / (N * C) : 1, "spatial size");
  const auto& pipe = dev.pipeline("channel_affine", 4, sizeof(p), spec_wg());
  Grid g = grid_for(p.n);
  dev.dispatch(pipe, {in(x), in(c.inputs[1]), in(c.inputs[2]), out(c.outputs[0])}, p, g.x, g.y, 1, 2.0 * x.numel());
}

}  // namespace

void layer_norm_rows(VulkanDevice& dev, const Tensor& x, const Tensor& w, const Tensor& b, float eps, const Tensor& y) {
  row_norm(dev, x, w, b, y, 0, eps);
}

VKFLOW_VK_KERNEL("softmax", softmax, [](DType t) { return t == DType::F32; });
VKFLOW_VK_KERNEL("layer_norm", layer_norm, [](DType t) { return t == DType::F32; });
VKFLOW_VK_KERNEL("rms_norm", rms_norm, [](DType t) { return t == DType::F32; });
VKFLOW_VK_KERNEL("group_norm", group_norm, [](DType t) { return t == DType::F32; });
VKFLOW_VK_KERNEL("batch_norm", batch_norm, [](DType t) { return t == DType::F32; });

}  // namespace vkflow::vulkan
