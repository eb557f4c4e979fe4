// Unary activations, broadcasting binary ops and dtype casts on Vulkan.
#include "runtime/core/broadcast.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/cast.hpp"
#include "runtime/ops/unary.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"

namespace vkflow::vulkan {
namespace {

template <size_t I>
void unary(VulkanDevice& dev, const OpCall& c) {
  const auto& up = params_of<ops::UnaryParams>(c);
  const Tensor& x = c.inputs[0];
  const Tensor& y = c.outputs[0];
  const auto& pipe = dev.pipeline("unary", 2, 12, {kWg, static_cast<uint32_t>(I)});
  // Windows keep each binding under maxStorageBufferRange (large activations on llvmpipe/AMD).
  for_windows(dev, x.numel(), 4, [&](uint64_t first, uint64_t n) {
    struct { uint32_t n; float alpha, beta; } p{static_cast<uint32_t>(n), up.alpha, up.beta};
    Grid g = grid_for(n);
    dev.dispatch(pipe, {{&x, false, first * 4, n * 4}, {&y, true, first * 4, n * 4}}, p, g.x, g.y, 1, double(n));
  });
}

template <size_t I>
void binary(VulkanDevice& dev, const OpCall& c) {
  const Tensor &a = c.inputs[0], &b = c.inputs[1], &o = c.outputs[0];
  const auto& pipe = dev.pipeline("binary", 3, 8 + 18 * 4, {kWg, static_cast<uint32_t>(I)});
  struct { uint32_t n, rank, dims[6], sa[6], sb[6]; } p{};
  if (a.shape() == o.shape() && b.shape() == o.shape()) {
    for_windows(dev, o.numel(), 4, [&](uint64_t first, uint64_t n) {
      p.n = static_cast<uint32_t>(n);
      p.rank = 1;
      p.dims[0] = p.n, p.sa[0] = 1, p.sb[0] = 1;
      Grid g = grid_for(n);
      dev.dispatch(pipe, {{&a, false, first * 4, n * 4}, {&b, false, first * 4, n * 4}, {&o, true, first * 4, n * 4}},
                   p, g.x, g.y, 1, double(n));
    });
    return;
  }
  Strided s = coalesce(o.shape(), {broadcast_strides(a.shape(), o.shape()), broadcast_strides(b.shape(), o.shape())});
  to_push(s, p.rank, p.dims, {p.sa, p.sb}, std::string(c.op));
  p.n = checked_u32(o.numel(), "elements");
  Grid g = grid_for(p.n);
  dev.dispatch(pipe, {in(a), in(b), out(o)}, p, g.x, g.y, 1, double(p.n));
}

const char* wtype_name(DType t) {
  switch (t) {
    case DType::F32: return "f32";
    case DType::F16: return "f16";
    case DType::BF16: return "bf16";
    case DType::Q4_0: return "q4_0";
    case DType::Q4_1: return "q4_1";
    case DType::Q5_0: return "q5_0";
    case DType::Q5_1: return "q5_1";
    case DType::Q8_0: return "q8_0";
    case DType::Q2_K: return "q2_k";
    case DType::Q3_K: return "q3_k";
    case DType::Q4_K: return "q4_k";
    case DType::Q5_K: return "q5_k";
    case DType::Q6_K: return "q6_k";
    default: return nullptr;
  }
}

void cast(VulkanDevice& dev, const OpCall& c) {
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  DType from = x.dtype(), to = params_of<ops::CastParams>(c).to;
  if (from == to) {  // plain copy, any dtype
    dev.copy_bytes(x, 0, y, 0, x.nbytes());
    return;
  }
  std::string shader;
  if (to == DType::F32 && wtype_name(from)) shader = std::string("cast_") + wtype_name(from) + "_f32";
  else if (from == DType::F32 && to == DType::F16) shader = "cast_f32_f16";
  else if (from == DType::F32 && to == DType::BF16) shader = "cast_f32_bf16";
  else throw Unsupported("Vulkan cast: " + std::string(dtype_name(from)) + " -> " + std::string(dtype_name(to)));
  const auto& pipe = dev.pipeline(shader, 2, 4, spec_wg());
  uint32_t n = checked_u32(x.numel(), "cast elements");
  uint64_t inv = to == DType::F32 ? n : (uint64_t(n) + 1) / 2;
  Grid g = grid_for(inv);
  dev.dispatch(pipe, {in(x), out(y)}, n, g.x, g.y, 1, double(n));
}

}  // namespace

bool weight_dtype_supported(DType t) { return wtype_name(t) != nullptr; }

VKFLOW_VK_KERNEL("gelu", unary<0>);
VKFLOW_VK_KERNEL("gelu_tanh", unary<1>);
VKFLOW_VK_KERNEL("quick_gelu", unary<2>);
VKFLOW_VK_KERNEL("silu", unary<3>);
VKFLOW_VK_KERNEL("relu", unary<4>);
VKFLOW_VK_KERNEL("leaky_relu", unary<5>);
VKFLOW_VK_KERNEL("tanh", unary<6>);
VKFLOW_VK_KERNEL("sigmoid", unary<7>);
VKFLOW_VK_KERNEL("exp", unary<8>);
VKFLOW_VK_KERNEL("scale", unary<9>);
VKFLOW_VK_KERNEL("clamp", unary<10>);
VKFLOW_VK_KERNEL("add", binary<0>);
VKFLOW_VK_KERNEL("sub", binary<1>);
VKFLOW_VK_KERNEL("mul", binary<2>);
VKFLOW_VK_KERNEL("div", binary<3>);
VKFLOW_VK_KERNEL("cast", cast, [](DType t) { return wtype_name(t) != nullptr; });

}  // namespace vkflow::vulkan
