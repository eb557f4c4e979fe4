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
  int64_t M = 0, N = 0, K = 0, batch = 1;
  bool trans_b = true, w_batched = false;
};
void gemm(VulkanDevice& dev, const GemmArgs& g);
// Which shader gemm() uses for weight dtype `w` on this device and path.
std::string gemm_shader_name(const VulkanDevice& dev, DType w, bool& coop);

}  // namespace vkflow::vulkan
