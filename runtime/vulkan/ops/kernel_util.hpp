#pragma once
// Helpers shared by the Vulkan kernels: dispatch grids, dimension coalescing for strided
// shaders, element windows for tensors above maxStorageBufferRange, params access.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/core/error.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

namespace vkflow::vulkan {

constexpr uint32_t kWg = 256;  // workgroup size of the elementwise shaders (spec constant 0)

struct Grid {
  uint32_t x = 1, y = 1;
};
// Groups for n invocations of `wg` each; above 65535 groups the grid spills into y
// (shaders use flat_index()).
Grid grid_for(uint64_t n, uint32_t wg = kWg);

template <class P>
const P& params_of(const OpCall& call) {
  if (!call.params) throw Error("Vulkan: op '" + std::string(call.op) + "' called without params");
  return *static_cast<const P*>(call.params);
}

// Dims plus one stride vector per operand; size-1 dims dropped, contiguous runs merged.
struct Strided {
  std::vector<int64_t> dims;
  std::vector<std::vector<int64_t>> strides;
};
Strided coalesce(std::vector<int64_t> dims, std::vector<std::vector<int64_t>> strides);
// Copies a coalesced layout into the fixed-size push-constant arrays (max 6 dims).
void to_push(const Strided& s, uint32_t& rank, uint32_t* dims, std::vector<uint32_t*> strides,
             const std::string& op);
uint32_t checked_u32(int64_t v, const std::string& what);
// An integer tuning knob from the environment (bench A/B runs); `fallback` when unset or not
// a number in [lo, hi].
int64_t env_knob(const char* name, int64_t fallback, int64_t lo, int64_t hi);

// Calls fn(first, count) over [0, n) in windows whose byte size (elements * elem_bytes)
// stays below maxStorageBufferRange and whose starts stay aligned for binding offsets.
template <class Fn>
void for_windows(VulkanDevice& dev, uint64_t n, uint64_t elem_bytes, Fn fn) {
  uint64_t align = std::max<uint64_t>(dev.info().storage_offset_align, 256);
  uint64_t max_elems = (dev.max_binding() / elem_bytes) / align * align;
  max_elems = std::min<uint64_t>(max_elems, 1ull << 30);
  for (uint64_t first = 0; first < n || first == 0; first += max_elems) {
    fn(first, std::min(max_elems, n - first));
    if (n == 0) break;
  }
}

// A small device buffer bound where an optional input is absent.
inline const Tensor& or_dummy(VulkanDevice& dev, const Tensor& t) { return t.defined() ? t : dev.dummy(); }

std::vector<uint32_t> spec_wg(uint32_t wg = kWg);

// layer_norm of x's rows (last dim) into y: the "layer_norm" kernel, for other kernels' use
// (linear_fused's prologue where it cannot be fused).
void layer_norm_rows(VulkanDevice& dev, const Tensor& x, const Tensor& w, const Tensor& b, float eps, const Tensor& y);

// Whether a fast-path op runs its cooperative-matrix kernel: Native on NVIDIA matrix cores
// (VK_NV_cooperative_matrix, subgroup 32), Emulated = the kernel's scalar stand-in
// (VKFLOW_VK_COOP_EMULATE=1, any fast-path device: lets the parity harness check the coop
// kernels' indexing on llvmpipe), or None. `env` names the op's switch (VKFLOW_VK_CONV,
// VKFLOW_VK_ATTN): "basic" keeps the op on its non-coop kernel, "auto" (default) allows coop;
// `tiles`: the switch also takes "old" and tile names (coop_tiles.hpp), which mean coop.
enum class Coop { None, Native, Emulated };
Coop coop_mode(const VulkanDevice& dev, const char* env, bool coop_by_default = true, bool tiles = false);
// Shader name suffix for a mode: "_coop", "_coopemu" or "".
const char* coop_suffix(Coop c);
// Weight/source dtypes the dequantizing shaders read (f32, f16, bf16, GGUF blocks).
bool weight_dtype_supported(DType t);

}  // namespace vkflow::vulkan

namespace vkflow::vulkan {
// dst[dst_base + Σ idx·dst_strides] = src[src_base + Σ idx·src_strides] over `dims`, for
// 4-byte elements (shaders/strided_copy.comp). Dims are coalesced first.
void strided_copy(VulkanDevice& dev, const Tensor& src, const Tensor& dst, const std::vector<int64_t>& dims,
                  const std::vector<int64_t>& src_strides, const std::vector<int64_t>& dst_strides,
                  int64_t src_base, int64_t dst_base);
inline bool word_dtype(DType t) { return t == DType::F32 || t == DType::I32; }
}  // namespace vkflow::vulkan
