// get_rows, rope, timestep_embedding, cumsum, argmax, topk and average pooling on Vulkan.
#include <cmath>

#include "runtime/ops/embedding.hpp"
#include "runtime/ops/pool.hpp"
#include "runtime/ops/reduce.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"

namespace vkflow::vulkan {
namespace {

template <class P>
void elementwise(VulkanDevice& dev, const char* shader, uint32_t bindings, const std::vector<Arg>& args,
                 const P& p, uint64_t n) {
  if (n == 0) return;
  const auto& pipe = dev.pipeline(shader, bindings, sizeof(P), spec_wg());
  Grid g = grid_for(n);
  dev.dispatch(pipe, args, p, g.x, g.y, 1, double(n) * 8);
}

void get_rows(VulkanDevice& dev, const OpCall& c) {
  const Tensor &table = c.inputs[0], &ids = c.inputs[1], &y = c.outputs[0];
  struct { uint32_t n, D, V, ids64; } p{};
  p.D = checked_u32(table.dim(1), "row length");
  p.V = checked_u32(table.dim(0), "rows");
  p.n = checked_u32(y.numel(), "elements");
  p.ids64 = ids.dtype() == DType::I64;
  std::string shader = "get_rows";
  if (table.dtype() != DType::F32) shader += "_" + std::string(dtype_name(table.dtype()));  // dequantizing variant
  elementwise(dev, shader.c_str(), 3, {in(table), in(ids), out(y)}, p, p.n);
}

void rope(VulkanDevice& dev, const OpCall& c) {
  const auto& rp = params_of<ops::RopeParams>(c);
  const Tensor &x = c.inputs[0], &cs = c.inputs[1], &sn = c.inputs[2], &y = c.outputs[0];
  struct { uint32_t n, H, L, D, per_batch, interleaved; } p{};
  p.H = checked_u32(x.dim(1), "H");
  p.L = checked_u32(x.dim(2), "L");
  p.D = checked_u32(x.dim(3), "D");
  p.n = checked_u32(x.numel() / 2, "pairs");
  p.per_batch = cs.rank() == 3 && cs.dim(0) == x.dim(0) && x.dim(0) > 1;
  p.interleaved = rp.interleaved;
  elementwise(dev, "rope", 4, {in(x), in(cs), in(sn), out(y)}, p, p.n);
}

void timestep_embedding(VulkanDevice& dev, const OpCall& c) {
  const auto& tp = params_of<ops::TimestepEmbeddingParams>(c);
  struct { uint32_t N, dim, flip; float scale; } p{};
  p.N = checked_u32(c.inputs[0].dim(0), "N");
  p.dim = checked_u32(tp.dim, "dim");
  p.flip = tp.flip_sin_to_cos;
  p.scale = tp.scale;
  int64_t half = tp.dim / 2;
  std::vector<float> freq(std::max<int64_t>(half, 1));
  for (int64_t i = 0; i < half; ++i)  // float32 steps in diffusers' order, as on the CPU
    freq[i] = std::exp(-std::log(tp.max_period) * static_cast<float>(i) / (static_cast<float>(half) - tp.downscale_freq_shift));
  Tensor f = Tensor::from_f32(dev, {static_cast<int64_t>(freq.size())}, freq);
  elementwise(dev, "timestep_embedding", 3, {in(c.inputs[0]), in(f), out(c.outputs[0])}, p, uint64_t(p.N) * p.dim);
}

void cumsum(VulkanDevice& dev, const OpCall& c) {
  const Tensor& x = c.inputs[0];
  int axis = params_of<ops::CumsumParams>(c).axis;
  int64_t inner = 1;
  for (int d = axis + 1; d < x.rank(); ++d) inner *= x.dim(d);
  struct { uint32_t lines, len, inner; } p{};
  p.len = checked_u32(x.rank() ? x.dim(axis) : 1, "axis length");
  p.inner = checked_u32(inner, "inner size");
  p.lines = p.len ? checked_u32(x.numel() / p.len, "lines") : 0;
  elementwise(dev, "cumsum", 2, {in(x), out(c.outputs[0])}, p, p.lines);
}

void argmax(VulkanDevice& dev, const OpCall& c) {
  const Tensor& x = c.inputs[0];
  struct { uint32_t rows, D; } p{};
  p.D = checked_u32(x.dim(-1), "D");
  p.rows = checked_u32(x.numel() / p.D, "rows");
  if (p.rows == 0) return;
  const auto& pipe = dev.pipeline("argmax", 2, sizeof(p), spec_wg());
  Grid g = grid_for(p.rows, 1);
  dev.dispatch(pipe, {in(x), out(c.outputs[0])}, p, g.x, g.y, 1, double(x.numel()));
}

void topk(VulkanDevice& dev, const OpCall& c) {
  const Tensor& x = c.inputs[0];
  struct { uint32_t rows, D, k; } p{};
  p.D = checked_u32(x.dim(-1), "D");
  p.rows = checked_u32(x.numel() / p.D, "rows");
  p.k = checked_u32(params_of<ops::TopkParams>(c).k, "k");
  if (p.rows == 0) return;
  const auto& pipe = dev.pipeline("topk", 3, sizeof(p), {64});
  Grid g = grid_for(p.rows, 64);
  dev.dispatch(pipe, {in(x), out(c.outputs[0]), out(c.outputs[1])}, p, g.x, g.y, 1, double(x.numel()) * p.k);
}

void avg_pool(VulkanDevice& dev, const OpCall& c) {
  const auto& ap = params_of<ops::AvgPoolParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  bool two_d = x.rank() == 4;
  struct { uint32_t n, H, W, OH, OW, kh, kw, sh, sw; int32_t ph, pw; uint32_t include_pad; } p{};
  p.n = checked_u32(y.numel(), "elements");
  p.H = two_d ? checked_u32(x.dim(2), "H") : 1;
  p.W = checked_u32(x.dim(-1), "W");
  p.OH = two_d ? checked_u32(y.dim(2), "OH") : 1;
  p.OW = checked_u32(y.dim(-1), "OW");
  p.kh = two_d ? ap.kernel_h : 1, p.kw = ap.kernel_w;
  p.sh = two_d ? ap.stride_h : 1, p.sw = ap.stride_w;
  p.ph = two_d ? ap.pad_h : 0, p.pw = ap.pad_w;
  p.include_pad = ap.count_include_pad;
  elementwise(dev, "avg_pool", 2, {in(x), out(y)}, p, p.n);
}

bool f32(DType t) { return t == DType::F32; }

}  // namespace

VKFLOW_VK_KERNEL("get_rows", get_rows, weight_dtype_supported);
VKFLOW_VK_KERNEL("rope", rope, f32);
VKFLOW_VK_KERNEL("timestep_embedding", timestep_embedding, f32);
VKFLOW_VK_KERNEL("cumsum", cumsum, f32);
VKFLOW_VK_KERNEL("argmax", argmax, f32);
VKFLOW_VK_KERNEL("topk", topk, f32);
VKFLOW_VK_KERNEL("avg_pool2d", avg_pool, f32);
VKFLOW_VK_KERNEL("avg_pool1d", avg_pool, f32);

}  // namespace vkflow::vulkan
