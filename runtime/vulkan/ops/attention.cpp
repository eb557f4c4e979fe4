// Memory-efficient attention on Vulkan (shaders/attention.comp): one invocation per query
// row, K/V streamed through shared memory, online softmax; never an Lq x Lk buffer.
#include <bit>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"

namespace vkflow::vulkan {
namespace {

void attention(VulkanDevice& dev, const OpCall& c) {
  const auto& ap = params_of<ops::AttentionParams>(c);
  const Tensor &q = c.inputs[0], &k = c.inputs[1], &v = c.inputs[2];
  const Tensor& mask = c.inputs.size() > 3 ? c.inputs[3] : Tensor();
  int64_t B = q.dim(0), H = q.dim(1), Lq = q.dim(2), D = q.dim(3), Lk = k.dim(2), Dv = v.dim(3);
  if (D > 256 || Dv > 256) throw Unsupported("Vulkan attention: head dims above 256");
  struct { uint32_t H, Lq, Lk; float scale; uint32_t causal, has_mask, ms[4]; } p{};
  p.H = checked_u32(H, "heads");
  p.Lq = checked_u32(Lq, "Lq");
  p.Lk = checked_u32(Lk, "Lk");
  p.scale = ap.scale;
  p.causal = ap.causal;
  p.has_mask = ap.has_mask && mask.defined();
  if (p.has_mask) {
    auto ms = broadcast_strides(mask.shape(), {B, H, Lq, Lk});
    for (int i = 0; i < 4; ++i) p.ms[i] = checked_u32(ms[i], "mask stride");
  }
  // Shared K/V tile: up to 6144 floats (24 KiB) so it fits every device's 32 KiB minimum.
  uint32_t bkv = std::bit_floor(static_cast<uint32_t>(std::max<int64_t>(1, 6144 / (D + Dv))));
  bkv = std::min<uint32_t>(bkv, 64);
  uint32_t wg = 64;
  const auto& pipe = dev.pipeline("attention", 5, sizeof(p),
                                  {wg, static_cast<uint32_t>(D), static_cast<uint32_t>(Dv), bkv});
  uint32_t gx = static_cast<uint32_t>((Lq + wg - 1) / wg);
  double flops = 2.0 * double(B * H) * double(Lq) * double(Lk) * double(D + Dv);
  dev.dispatch(pipe, {in(q), in(k), in(v), in(or_dummy(dev, mask)), out(c.outputs[0])}, p, gx,
               checked_u32(B * H, "batch*heads"), 1, flops);
}

}  // namespace

VKFLOW_VK_KERNEL("attention", attention, [](DType t) { return t == DType::F32; });

}  // namespace vkflow::vulkan
