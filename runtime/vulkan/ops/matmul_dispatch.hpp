#pragma once
// The Vulkan GEMM entry point, shared by linear/matmul and the kernels built on GEMM
// (conv via implicit GEMM is separate; GRU uses it for its input projections).
#include <string>

#include "runtime/vulkan/vulkan_device.hpp"

namespace vkflow::vulkan {

struct GemmArgs {
  const Tensor& a;     // [batch, M, K] f32
  const Tensor& w;     // [N, K] (trans_b) any weight dtype, or [K, N] f32; [batch, ...] if w_batched
  Tensor bias;         // [N] or undefined
  const Tensor& c;     // [batch, M, N]
  Tensor residual;     // added last, shaped as c; or undefined
  bool gelu = false;   // GELU (erf) after the bias
  Tensor ln_w, ln_b;   // layer-norm a's rows first (few-row matvec path only), or undefined
  float ln_eps = 1e-5f;
  int64_t M = 0, N = 0, K = 0, batch = 1;
  bool trans_b = true, w_batched = false;
};
void gemm(VulkanDevice& dev, const GemmArgs& g);
// Whether gemm() takes the few-row matvec path for these operands (the only one with the
// layer-norm prologue).
bool use_matvec(const GemmArgs& g);

// Workgroup tile (BM x BN, BK deep) and per-invocation register block (TM x TN).
struct GemmTiles {
  uint32_t bm, bn, bk, tm, tn;
  uint32_t contig = 0;  // register-block layout (shaders/include/gemm_core.glsl CONTIG)
  uint32_t threads() const { return (bm / tm) * (bn / tn); }
};
GemmTiles pick_gemm_tiles(const VulkanDevice& dev, uint64_t M, uint64_t N, uint64_t batch);

}  // namespace vkflow::vulkan
