// Memory-efficient attention on Vulkan, never an Lq x Lk buffer. shaders/attention.comp: one
// invocation per query row, K/V streamed through shared memory, online softmax (every
// device and path); shaders/attention_blk.comp: the same with keys in blocks of 16 and vec4
// head rows (head dims multiples of 4 up to 80, the default where it applies). shaders/attention_coop.comp: flash-style tiles on NV cooperative
// matrices (fast path with matrix cores, head dims <= 160, >= 16 query rows;
// only with VKFLOW_VK_ATTN=coop: slower than attention.comp on the H200).
// shaders/attention_decode.comp: up to 8 query rows (decoding), a workgroup per row with
// its invocations over the keys.
#include <algorithm>
#include <bit>
#include <cstdlib>
#include <string>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"

namespace vkflow::vulkan {
namespace {

// Up to this many query rows take attention_decode.comp (VKFLOW_VK_ATTN_DECODE=0: never);
// keys per workgroup when they are split: VKFLOW_VK_ATTN_SPLIT_KEYS (default 192).
constexpr int64_t kDecodeMaxRows = 8;
bool decode_kernel_on() { return env_knob("VKFLOW_VK_ATTN_DECODE", 1, 0, 1) != 0; }

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
  double flops = 2.0 * double(B * H) * double(Lq) * double(Lk) * double(D + Dv);
  if (p.has_mask) {
    auto ms = broadcast_strides(mask.shape(), {B, H, Lq, Lk});
    for (int i = 0; i < 4; ++i) p.ms[i] = checked_u32(ms[i], "mask stride");
  }
  if (Lq <= kDecodeMaxRows && decode_kernel_on()) {
    // A workgroup per query row, its invocations over the keys (attention_decode.comp).
    // Long key sequences (the 1500 audio positions) also split the keys over workgroups, so
    // a single row's 20 heads still fill a large GPU; attention_combine.comp merges them.
    uint32_t wg = Dv <= 128 ? 128 : 256;
    uint32_t vec4 = D % 4 == 0 && dev.device_offset(k) % 16 == 0;
    const int64_t per_split = env_knob("VKFLOW_VK_ATTN_SPLIT_KEYS", 192, 16, 1 << 20);
    uint32_t splits = static_cast<uint32_t>(std::clamp<int64_t>((Lk + per_split - 1) / per_split, 1, 16));
    const auto& pipe = dev.pipeline("attention_decode", 5, sizeof(p),
                                    {wg, static_cast<uint32_t>(D), static_cast<uint32_t>(Dv), vec4, splits});
    const uint32_t bh = checked_u32(B * H, "batch*heads");
    if (splits == 1) {
      dev.dispatch(pipe, {in(q), in(k), in(v), in(or_dummy(dev, mask)), out(c.outputs[0])}, p, p.Lq, bh, 1, flops);
      return;
    }
    const int64_t rows = B * H * Lq;
    Tensor part = Tensor::empty(dev, DType::F32, {rows * splits * (Dv + 2)});
    dev.dispatch(pipe, {in(q), in(k), in(v), in(or_dummy(dev, mask)), out(part)}, p, p.Lq * splits, bh, 1, flops);
    struct { uint32_t rows, dv, splits; } cp{checked_u32(rows, "attention rows"), static_cast<uint32_t>(Dv), splits};
    const Grid gr = grid_for(static_cast<uint64_t>(rows), 1);
    dev.dispatch(dev.pipeline("attention_combine", 2, sizeof(cp), {64}), {in(part), out(c.outputs[0])}, cp, gr.x, gr.y);
    return;
  }
  if (Lq >= 16 && D <= 160 && Dv <= 160) {
    // Off unless VKFLOW_VK_ATTN=coop: on an H200 it measured slower than attention.comp
    // (2.59 vs 1.49 ms at 1x8x4096x40, bench/RESULTS.md).
    Coop coop = coop_mode(dev, "VKFLOW_VK_ATTN", /*coop_by_default=*/false);
    if (coop != Coop::None) {
      // Keys per tile: 64 where the shared memory allows (head dims <= 64), else 32.
      auto r16 = [](int64_t d) { return static_cast<uint32_t>((d + 15) / 16 * 16); };
      uint32_t dp = r16(D), dvp = r16(Dv), sd = std::max(dp, dvp) + 8;
      auto shared_bytes = [&](uint32_t bc) {
        uint64_t b = 2ull * bc * sd * 2 + 64ull * (bc + 8) * 2 + 64ull * bc * 4 + 128 * 4;
        return coop == Coop::Emulated ? b + 64ull * sd * 2 : b;
      };
      uint32_t bc = shared_bytes(64) <= dev.info().max_shared_memory ? 64 : 32;
      if (shared_bytes(bc) <= dev.info().max_shared_memory) {
        const auto& pipe = dev.pipeline(std::string("attention") + coop_suffix(coop), 5, sizeof(p),
                                        {128, static_cast<uint32_t>(D), static_cast<uint32_t>(Dv), dp, dvp, bc});
        dev.dispatch(pipe, {in(q), in(k), in(v), in(or_dummy(dev, mask)), out(c.outputs[0])}, p,
                     checked_u32((Lq + 63) / 64, "attention grid"), checked_u32(B * H, "batch*heads"), 1, flops);
        return;
      }
    }
  }
  // Head dims in multiples of 4 up to 80: keys in blocks of 16 with vec4 shared reads
  // (attention_blk.comp). On an H200 it won at 80 (0.56 vs 0.59 ms), tied at 40 and was 4x
  // slower at 160 (register spills). VKFLOW_VK_ATTN_BLOCK=0 keeps attention.comp.
  const char* blk = std::getenv("VKFLOW_VK_ATTN_BLOCK");
  if (D % 4 == 0 && Dv % 4 == 0 && D <= 80 && Dv <= 80 && !(blk && std::string(blk) == "0")) {
    uint32_t wg = 64;
    const auto& pipe = dev.pipeline("attention_blk", 5, sizeof(p), {wg, static_cast<uint32_t>(D), static_cast<uint32_t>(Dv)});
    dev.dispatch(pipe, {in(q), in(k), in(v), in(or_dummy(dev, mask)), out(c.outputs[0])}, p,
                 static_cast<uint32_t>((Lq + wg - 1) / wg), checked_u32(B * H, "batch*heads"), 1, flops);
    return;
  }
  // Shared K/V tile: up to 6144 floats (24 KiB) so it fits every device's 32 KiB minimum.
  uint32_t bkv = std::bit_floor(static_cast<uint32_t>(std::max<int64_t>(1, 6144 / (D + Dv))));
  bkv = std::min<uint32_t>(bkv, 64);
  uint32_t wg = 64;
  const auto& pipe = dev.pipeline("attention", 5, sizeof(p),
                                  {wg, static_cast<uint32_t>(D), static_cast<uint32_t>(Dv), bkv});
  uint32_t gx = static_cast<uint32_t>((Lq + wg - 1) / wg);
  dev.dispatch(pipe, {in(q), in(k), in(v), in(or_dummy(dev, mask)), out(c.outputs[0])}, p, gx,
               checked_u32(B * H, "batch*heads"), 1, flops);
}

}  // namespace

VKFLOW_VK_KERNEL("attention", attention, [](DType t) { return t == DType::F32; });

}  // namespace vkflow::vulkan
