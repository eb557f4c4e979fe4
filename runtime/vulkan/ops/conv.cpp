// conv2d, conv_transpose2d, conv1d, conv_transpose1d on Vulkan as implicit GEMMs, 1-D
// convolutions as H = 1. Weights f32/f16/bf16. Kernels: shaders/conv2d.comp (fp32 tiles, or
// fp16-staged tiles on the fast path) and, for forward convolutions on the fast path of a
// device with NV cooperative matrices, shaders/conv2d_coop.comp (VKFLOW_VK_CONV=tiles|l|m|n|s:
// the pipelined tiles of shaders/conv2d_coop2.comp, opt-in as they measured slower on an
// H200; =basic keeps every convolution on conv2d.comp).
#include "runtime/ops/conv.hpp"
#include "runtime/vulkan/ops/coop_tiles.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"
#include "runtime/vulkan/ops/matmul_dispatch.hpp"

namespace vkflow::vulkan {
namespace {

struct Push {
  uint32_t N, Ci, H, W, Co, OH, OW, KH, KW;
  int32_t sh, sw, ph, pw, dh, dw;
  uint32_t groups, has_bias, vec4_w;
};

bool conv_weight_ok(DType t) { return t == DType::F32 || t == DType::F16 || t == DType::BF16; }

void run_conv(VulkanDevice& dev, const OpCall& c, Push p, bool transposed) {
  const Tensor &x = c.inputs[0], &w = c.inputs[1];
  const Tensor& bias = c.inputs.size() > 2 ? c.inputs[2] : Tensor();
  const Tensor& y = c.outputs[0];
  if (!conv_weight_ok(w.dtype())) throw Unsupported("Vulkan conv: weight dtype " + std::string(dtype_name(w.dtype())));
  uint64_t M = p.Co / p.groups, Npix = uint64_t(p.N) * p.OH * p.OW;
  uint64_t K = uint64_t(p.Ci / p.groups) * p.KH * p.KW;
  p.has_bias = bias.defined();
  p.vec4_w = !transposed && w.dtype() == DType::F32 && K % 4 == 0 && dev.device_offset(w) % 16 == 0;
  double flops = 2.0 * double(M) * double(Npix) * double(K) * p.groups;
  std::string t(dtype_name(w.dtype()));
  Coop coop = transposed ? Coop::None : coop_mode(dev, "VKFLOW_VK_CONV", true, true);
  if (coop != Coop::None) {
    if (auto tile = pick_coop_tile(dev, "VKFLOW_VK_CONV", M, Npix, p.groups, true)) {
      std::string name = std::string("conv2d") + coop_suffix(coop) + "2_" + tile->name + "_" + t;
      const auto& pipe = dev.pipeline(name, 4, sizeof(Push), {tile->threads, tile->stages});
      if (w.dtype() != DType::F32) p.vec4_w = K % 4 == 0 && dev.device_offset(w) % 4 == 0;  // two aligned words
      uint32_t gx = checked_u32((Npix + tile->bn - 1) / tile->bn, "conv grid"), gy = checked_u32((M + tile->bm - 1) / tile->bm, "conv grid");
      dev.dispatch(pipe, {in(x), in(w), in(or_dummy(dev, bias)), out(y)}, p, gx, gy, p.groups, flops);
      return;
    }
    const auto& pipe = dev.pipeline("conv2d" + std::string(coop_suffix(coop)) + "_" + t, 4, sizeof(Push), {128});
    uint32_t gx = checked_u32((Npix + 63) / 64, "conv grid"), gy = checked_u32((M + 63) / 64, "conv grid");
    dev.dispatch(pipe, {in(x), in(w), in(or_dummy(dev, bias)), out(y)}, p, gx, gy, p.groups, flops);
    return;
  }
  std::string shader = "conv2d_" + t;
  if (dev.fast() && dev.info().fp16_arith) shader += "_f16s";
  GemmTiles tl = pick_gemm_tiles(dev, M, Npix, p.groups);
  const auto& pipe = dev.pipeline(shader, 4, sizeof(Push), {tl.threads(), tl.bm, tl.bn, tl.bk, tl.tm, tl.tn, transposed ? 1u : 0u, tl.contig});
  uint32_t gx = checked_u32((Npix + tl.bn - 1) / tl.bn, "conv grid"), gy = checked_u32((M + tl.bm - 1) / tl.bm, "conv grid");
  dev.dispatch(pipe, {in(x), in(w), in(or_dummy(dev, bias)), out(y)}, p, gx, gy, p.groups, flops);
}

void conv2d_like(VulkanDevice& dev, const OpCall& c, bool transposed) {
  const auto& cp = params_of<ops::Conv2dParams>(c);
  const Tensor &x = c.inputs[0], &w = c.inputs[1], &y = c.outputs[0];
  Push p{};
  p.N = checked_u32(x.dim(0), "N");
  p.Ci = checked_u32(x.dim(1), "Ci");
  p.H = checked_u32(x.dim(2), "H");
  p.W = checked_u32(x.dim(3), "W");
  p.Co = checked_u32(y.dim(1), "Co");
  p.OH = checked_u32(y.dim(2), "OH");
  p.OW = checked_u32(y.dim(3), "OW");
  p.KH = checked_u32(w.dim(2), "KH");
  p.KW = checked_u32(w.dim(3), "KW");
  p.sh = cp.stride_h, p.sw = cp.stride_w, p.ph = cp.pad_h, p.pw = cp.pad_w, p.dh = cp.dil_h, p.dw = cp.dil_w;
  p.groups = checked_u32(cp.groups, "groups");
  run_conv(dev, c, p, transposed);
}

void conv1d_like(VulkanDevice& dev, const OpCall& c, bool transposed) {
  const auto& cp = params_of<ops::Conv1dParams>(c);
  const Tensor &x = c.inputs[0], &w = c.inputs[1], &y = c.outputs[0];
  Push p{};
  p.N = checked_u32(x.dim(0), "N");
  p.Ci = checked_u32(x.dim(1), "Ci");
  p.H = 1;
  p.W = checked_u32(x.dim(2), "L");
  p.Co = checked_u32(y.dim(1), "Co");
  p.OH = 1;
  p.OW = checked_u32(y.dim(2), "OL");
  p.KH = 1;
  p.KW = checked_u32(w.dim(2), "K");
  p.sh = 1, p.sw = cp.stride, p.ph = 0, p.pw = cp.pad, p.dh = 1, p.dw = cp.dil;
  p.groups = checked_u32(cp.groups, "groups");
  run_conv(dev, c, p, transposed);
}

void conv2d(VulkanDevice& d, const OpCall& c) { conv2d_like(d, c, false); }
void conv_transpose2d(VulkanDevice& d, const OpCall& c) { conv2d_like(d, c, true); }
void conv1d(VulkanDevice& d, const OpCall& c) { conv1d_like(d, c, false); }
void conv_transpose1d(VulkanDevice& d, const OpCall& c) { conv1d_like(d, c, true); }

}  // namespace

VKFLOW_VK_KERNEL("conv2d", conv2d, conv_weight_ok);
VKFLOW_VK_KERNEL("conv_transpose2d", conv_transpose2d, conv_weight_ok);
VKFLOW_VK_KERNEL("conv1d", conv1d, conv_weight_ok);
VKFLOW_VK_KERNEL("conv_transpose1d", conv_transpose1d, conv_weight_ok);

}  // namespace vkflow::vulkan
