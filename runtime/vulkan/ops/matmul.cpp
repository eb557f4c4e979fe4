// linear (x · Wᵀ + b, W in any float or GGUF block dtype) and batched matmul on Vulkan.
// Paths: fp32 tiled GEMM (every device), fp16-staged tiles (fast path with shaderFloat16),
// NV cooperative matrices on tensor cores (fast path where the driver offers them).
#include <cstdlib>
#include <numeric>

#include "runtime/ops/matmul.hpp"
#include "runtime/vulkan/ops/coop_tiles.hpp"
#include "runtime/vulkan/ops/kernel_util.hpp"
#include "runtime/vulkan/ops/matmul_dispatch.hpp"

namespace vkflow::vulkan {

namespace {
struct Push {
  uint32_t M, N, K, ldc, n_off, a_batch, w_batch, c_batch, trans_b, has_bias, vec4_a, vec4_w, act, has_residual, has_ln;
  float ln_eps;
};

}  // namespace

GemmTiles pick_gemm_tiles(const VulkanDevice& dev, uint64_t M, uint64_t N, uint64_t batch) {
  // Big tiles (8x8 per invocation) only when they still give a few hundred workgroups to
  // fill a large GPU; software rasterizers and small problems do better with 64x64.
  uint64_t big = ((M + 127) / 128) * ((N + 127) / 128) * batch;
  // VKFLOW_VK_GEMM_CONTIG=0|1 picks the register-block layout (bench A/B). Default strided:
  // on the H200 it ran 4096^3 in 4.8 ms against 6.4 ms contiguous (bench/RESULTS.md).
  const char* e = std::getenv("VKFLOW_VK_GEMM_CONTIG");
  uint32_t contig = e && *e ? static_cast<uint32_t>(std::atoi(e) != 0) : 0u;
  if (!dev.info().is_cpu() && big >= 256) return {128, 128, 8, 8, 8, contig};
  return {64, 64, 16, 4, 4, contig};
}

namespace {
bool float_weight(DType t) { return t == DType::F32 || t == DType::F16 || t == DType::BF16; }

// The kernel for one GEMM: shader, specialization constants and C tile.
struct GemmKernel {
  std::string shader;
  std::vector<uint32_t> spec;
  uint32_t bm, bn;
  bool packed_half_w = false;  // the shader reads f16/bf16 weights as whole words (coop2)
};

// The fast path with NV cooperative matrices runs the first 64x64 coop kernel (default,
// =old); float weights may opt into the pipelined coop tiles (VKFLOW_VK_GEMM=tiles|l|m|n|s,
// slower on an H200); =basic: fp16-staged tiles.
GemmKernel pick_gemm_kernel(const VulkanDevice& dev, const GemmArgs& g) {
  std::string t(dtype_name(g.w.dtype()));
  Coop coop = coop_mode(dev, "VKFLOW_VK_GEMM", true, true);
  if (coop != Coop::None && float_weight(g.w.dtype())) {
    if (auto tile = pick_coop_tile(dev, "VKFLOW_VK_GEMM", g.M, g.N, g.batch, false)) {
      std::string name = std::string("matmul") + coop_suffix(coop) + "2_" + tile->name + "_" + t;
      return {name, {tile->threads, tile->stages}, tile->bm, tile->bn, true};
    }
  }
  if (coop == Coop::Native) return {"matmul_coop_" + t, {128}, 64, 64};
  GemmTiles tl = pick_gemm_tiles(dev, g.M, g.N, g.batch);
  std::string name = dev.fast() && dev.info().fp16_arith ? "matmul_" + t + "_f16s" : "matmul_" + t;
  return {name, {tl.threads(), tl.bm, tl.bn, tl.bk, tl.tm, tl.tn, 0, tl.contig}, tl.bm, tl.bn};
}
}  // namespace

// A few rows times an [N,K] weight (decoding): matvec.comp splits K over a workgroup per
// few output columns instead of padding M to a GEMM tile. Bench knobs: VKFLOW_VK_MATVEC=0
// (off), VKFLOW_VK_MATVEC_COLS (columns per workgroup, default 4), VKFLOW_VK_MATVEC_THREADS
// (invocations per workgroup, a power of two, default 64).
constexpr int64_t kMatvecMaxRows = 8;
bool use_matvec(const GemmArgs& g) {
  if (g.M > kMatvecMaxRows || !g.trans_b || g.w_batched || g.batch != 1) return false;
  return env_knob("VKFLOW_VK_MATVEC", 1, 0, 1) != 0;
}
GemmKernel matvec_kernel(const VulkanDevice& dev, DType w, bool ln) {
  uint32_t cols = static_cast<uint32_t>(env_knob("VKFLOW_VK_MATVEC_COLS", 4, 1, 8));
  uint32_t threads = static_cast<uint32_t>(env_knob("VKFLOW_VK_MATVEC_THREADS", 64, 32, 256));
  // Partial sums: 8 rows x max(cols, 2) x (threads + 1) floats of shared memory.
  if ((threads & (threads - 1)) || 32ull * std::max(cols, 2u) * (threads + 1) > dev.info().max_shared_memory)
    cols = 4, threads = 64;
  return {"matvec_" + std::string(dtype_name(w)), {threads, cols, ln ? 1u : 0u}, 1, cols};
}

void gemm(VulkanDevice& dev, const GemmArgs& g) {
  if (!weight_dtype_supported(g.w.dtype())) throw Unsupported("Vulkan matmul: weight dtype " + std::string(dtype_name(g.w.dtype())));
  const bool matvec = use_matvec(g);
  GemmKernel kern = matvec ? matvec_kernel(dev, g.w.dtype(), g.ln_w.defined()) : pick_gemm_kernel(dev, g);
  if (g.ln_w.defined() && !matvec) throw Error("Vulkan matmul: a layer-norm prologue needs the matvec path");
  const auto& pipe = dev.pipeline(kern.shader, 7, sizeof(Push), kern.spec);

  Push p{};
  p.M = checked_u32(g.M, "matmul M");
  p.K = checked_u32(g.K, "matmul K");
  p.ldc = checked_u32(g.N, "matmul N");
  p.a_batch = checked_u32(g.M * g.K, "matmul batch stride");
  p.c_batch = checked_u32(g.M * g.N, "matmul batch stride");
  p.w_batch = g.w_batched ? checked_u32(g.K * g.N, "matmul batch stride") : 0;
  p.trans_b = g.trans_b;
  p.has_bias = g.bias.defined();
  const Tensor& bias = or_dummy(dev, g.bias);
  p.act = g.gelu ? 1 : 0;
  p.has_residual = g.residual.defined();
  const Tensor& residual = or_dummy(dev, g.residual);
  p.has_ln = g.ln_w.defined();
  p.ln_eps = g.ln_eps;
  const Tensor &ln_w = or_dummy(dev, g.ln_w), &ln_b = or_dummy(dev, g.ln_b);
  // 16-byte loads where every quad is whole and aligned (f16/bf16: two aligned words).
  p.vec4_a = g.K % 4 == 0 && dev.device_offset(g.a) % 16 == 0;
  p.vec4_w = g.w.dtype() == DType::F32 && (g.trans_b ? g.K % 4 == 0 : g.N % 4 == 0) && dev.device_offset(g.w) % 16 == 0;
  if (kern.packed_half_w && g.w.dtype() != DType::F32)
    p.vec4_w = g.trans_b && g.K % 4 == 0 && dev.device_offset(g.w) % 4 == 0;
  // matvec.comp also loads 16-bit weights 8 at a time (16 bytes) where rows allow it.
  if (matvec && (g.w.dtype() == DType::F16 || g.w.dtype() == DType::BF16))
    p.vec4_w = g.K % 8 == 0 && dev.device_offset(g.w) % 16 == 0;

  // Weights above maxStorageBufferRange are bound as windows of whole rows ([N,K] layout);
  // the output and bias stay whole and the shader offsets its writes by n_off.
  uint64_t row_bytes = dtype_bytes(g.w.dtype(), g.K);
  uint64_t rows = g.N;
  if (g.w.nbytes() > dev.max_binding()) {
    if (!g.trans_b || g.w_batched) throw Unsupported("Vulkan matmul: operand b above maxStorageBufferRange");
    uint64_t align = std::max<uint64_t>(dev.info().storage_offset_align, 16);
    uint64_t row_align = align / std::gcd(row_bytes, align);
    rows = (dev.max_binding() / row_bytes) / row_align * row_align;
    if (rows == 0) throw Unsupported("Vulkan matmul: one weight row exceeds maxStorageBufferRange");
  }
  double flops_per_col = 2.0 * double(g.M) * double(g.K) * double(g.batch);
  for (uint64_t n0 = 0; n0 < uint64_t(g.N); n0 += rows) {
    uint64_t n = std::min<uint64_t>(rows, g.N - n0);
    p.N = static_cast<uint32_t>(n);
    p.n_off = static_cast<uint32_t>(n0);
    bool window = rows < uint64_t(g.N);
    Arg w{&g.w, false, window ? n0 * row_bytes : 0, window ? n * row_bytes : 0};
    if (matvec) {
      const Grid gr = grid_for((n + kern.bn - 1) / kern.bn, 1);
      dev.dispatch(pipe, {in(g.a), w, in(bias), out(g.c), in(residual), in(ln_w), in(ln_b)}, p, gr.x, gr.y, 1,
                   flops_per_col * double(n));
      continue;
    }
    uint32_t gx = static_cast<uint32_t>((n + kern.bn - 1) / kern.bn), gy = static_cast<uint32_t>((g.M + kern.bm - 1) / kern.bm);
    dev.dispatch(pipe, {in(g.a), w, in(bias), out(g.c), in(residual), in(ln_w), in(ln_b)}, p, gx, gy,
                 checked_u32(g.batch, "matmul batch"),
                 flops_per_col * double(n));
  }
}

namespace {
// "linear" and "linear_fused" (the same with ops::LinearParams' fusion). The layer norm is the
// matvec's prologue; other paths normalize into a temporary first.
void linear(VulkanDevice& dev, const OpCall& c) {
  const Tensor& w = c.inputs[1];
  Tensor x = c.inputs[0];
  const bool fused = c.op == "linear_fused";
  const ops::LinearParams lp = fused ? params_of<ops::LinearParams>(c) : ops::LinearParams{};
  const int64_t K = x.dim(-1), M = K ? x.numel() / K : 0;
  bool ln_prologue = false;
  if (lp.has_norm) {
    GemmArgs probe{x, w, Tensor(), c.outputs[0]};
    probe.M = M;
    ln_prologue = use_matvec(probe);
    if (!ln_prologue) {
      Tensor n = Tensor::empty(dev, DType::F32, x.shape());
      layer_norm_rows(dev, x, c.inputs[4], c.inputs[5], lp.norm_eps, n);
      x = n;
    }
  }
  GemmArgs g{x, w, c.inputs.size() > 2 ? c.inputs[2] : Tensor(), c.outputs[0]};
  g.gelu = lp.gelu != 0;
  if (lp.has_residual) g.residual = c.inputs[3];
  if (ln_prologue) {
    g.ln_w = c.inputs[4];
    g.ln_b = c.inputs[5];
    g.ln_eps = lp.norm_eps;
  }
  g.K = x.dim(-1);
  g.N = w.dim(0);
  g.M = g.K ? x.numel() / g.K : 0;
  g.batch = 1;
  g.trans_b = true;
  gemm(dev, g);
}

void matmul(VulkanDevice& dev, const OpCall& c) {
  const Tensor &a = c.inputs[0], &b = c.inputs[1];
  bool tb = params_of<ops::MatmulParams>(c).trans_b != 0;
  GemmArgs g{a, b, Tensor(), c.outputs[0]};
  g.M = a.dim(-2);
  g.K = a.dim(-1);
  g.N = tb ? b.dim(-2) : b.dim(-1);
  g.batch = g.M * g.K ? a.numel() / (g.M * g.K) : c.outputs[0].numel() / std::max<int64_t>(1, g.M * g.N);
  g.w_batched = b.rank() > 2;
  g.trans_b = tb;
  gemm(dev, g);
}
}  // namespace

VKFLOW_VK_KERNEL("linear", linear, weight_dtype_supported);
VKFLOW_VK_KERNEL("linear_fused", linear, weight_dtype_supported);
VKFLOW_VK_KERNEL("matmul", matmul, [](DType t) { return t == DType::F32; });

}  // namespace vkflow::vulkan
