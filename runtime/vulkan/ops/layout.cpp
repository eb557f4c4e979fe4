// concat, slice, permute, pad and nearest upsampling on Vulkan.
#include "runtime/core/broadcast.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"

namespace vkflow::vulkan {
namespace {

void concat(VulkanDevice& dev, const OpCall& c) {
  int axis = params_of<ops::ConcatParams>(c).axis;
  const Tensor& y = c.outputs[0];
  if (c.inputs.size() == 2 && dtype_info(y.dtype()).block_bytes == 4 && y.numel() > 0 && y.numel() < (int64_t(1) << 32)) {
    // Two inputs (a cache and its new position): one dispatch.
    const Tensor &a = c.inputs[0], &b = c.inputs[1];
    int64_t inner = 1;
    for (int d = axis + 1; d < y.rank(); ++d) inner *= y.dim(d);
    struct { uint32_t n, na, nb, inner; } p{static_cast<uint32_t>(y.numel()), checked_u32(a.dim(axis), "concat"),
                                             checked_u32(b.dim(axis), "concat"), checked_u32(inner, "concat")};
    const auto& pipe = dev.pipeline("concat2", 3, sizeof(p), spec_wg());
    Grid g = grid_for(p.n);
    dev.dispatch(pipe, {in(a), in(b), out(y)}, p, g.x, g.y, 1, double(y.numel()) * 8);
    return;
  }
  auto ys = contiguous_strides(y.shape());
  int64_t off = 0;
  for (const Tensor& t : c.inputs) {
    strided_copy(dev, t, y, t.shape(), contiguous_strides(t.shape()), ys, 0, off * ys[axis]);
    off += t.dim(axis);
  }
}

void slice(VulkanDevice& dev, const OpCall& c) {
  const auto& sp = params_of<ops::SliceParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  auto xs = contiguous_strides(x.shape());
  int64_t base = sp.start * xs[sp.axis];
  xs[sp.axis] *= sp.step;
  strided_copy(dev, x, y, y.shape(), xs, contiguous_strides(y.shape()), base, 0);
}

void permute(VulkanDevice& dev, const OpCall& c) {
  const auto& pp = params_of<ops::PermuteParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  auto xs = contiguous_strides(x.shape());
  std::vector<int64_t> src(pp.rank);
  for (int i = 0; i < pp.rank; ++i) src[i] = xs[pp.perm[i]];
  strided_copy(dev, x, y, y.shape(), src, contiguous_strides(y.shape()), 0, 0);
}

void pad(VulkanDevice& dev, const OpCall& c) {
  const auto& pp = params_of<ops::PadParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  // Leading dims without padding merge into one so up to 6 padded dims fit.
  std::vector<int64_t> in_d, out_d, before;
  int first = 0;
  while (first < pp.rank - 1 && pp.before[first] == 0 && pp.after[first] == 0) ++first;
  int64_t lead = 1;
  for (int d = 0; d < first; ++d) lead *= x.dim(d);
  in_d.push_back(lead), out_d.push_back(lead), before.push_back(0);
  for (int d = first; d < pp.rank; ++d) in_d.push_back(x.dim(d)), out_d.push_back(y.dim(d)), before.push_back(pp.before[d]);
  if (in_d.size() > 6) throw Unsupported("Vulkan pad: more than 5 padded dimensions");
  struct { uint32_t n, rank, mode; float value; uint32_t in_dims[6], out_dims[6]; int32_t before[6]; } p{};
  p.n = checked_u32(y.numel(), "elements");
  p.rank = static_cast<uint32_t>(in_d.size());
  p.mode = static_cast<uint32_t>(pp.mode);
  p.value = pp.value;
  for (size_t d = 0; d < in_d.size(); ++d) {
    p.in_dims[d] = checked_u32(in_d[d], "dim");
    p.out_dims[d] = checked_u32(out_d[d], "dim");
    p.before[d] = static_cast<int32_t>(before[d]);
  }
  if (p.n == 0) return;
  const auto& pipe = dev.pipeline("pad", 2, sizeof(p), spec_wg());
  Grid g = grid_for(p.n);
  dev.dispatch(pipe, {in(x), out(y)}, p, g.x, g.y, 1, double(p.n) * 8);
}

void upsample_nearest(VulkanDevice& dev, const OpCall& c) {
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  bool two_d = x.rank() == 4;
  struct { uint32_t n, ih, iw, oh, ow; } p{};
  p.n = checked_u32(y.numel(), "elements");
  p.ih = two_d ? checked_u32(x.dim(2), "H") : 1;
  p.iw = checked_u32(x.dim(-1), "W");
  p.oh = two_d ? checked_u32(y.dim(2), "OH") : 1;
  p.ow = checked_u32(y.dim(-1), "OW");
  if (p.n == 0) return;
  const auto& pipe = dev.pipeline("upsample_nearest", 2, sizeof(p), spec_wg());
  Grid g = grid_for(p.n);
  dev.dispatch(pipe, {in(x), out(y)}, p, g.x, g.y, 1, double(p.n) * 8);
}

bool words(DType t) { return word_dtype(t); }
bool f32(DType t) { return t == DType::F32; }

}  // namespace

VKFLOW_VK_KERNEL("concat", concat, words);
VKFLOW_VK_KERNEL("slice", slice, words);
VKFLOW_VK_KERNEL("permute", permute, words);
VKFLOW_VK_KERNEL("pad", pad, f32);
VKFLOW_VK_KERNEL("upsample_nearest", upsample_nearest, f32);

}  // namespace vkflow::vulkan
