#pragma once
// Tile choice for the pipelined tensor-core kernels (shaders/include/coop_tile.glsl:
// matmul_coop2, conv2d_coop2), opt-in: they measured slower than the first 64x64 coop kernels
// on an H200 (bench/RESULTS.md). The op's switch (VKFLOW_VK_GEMM, VKFLOW_VK_CONV) = "tiles"
// picks a tile per shape, a tile name forces that tile; "old" (and the default) keeps the
// first kernels.
#include <cstdint>
#include <optional>

#include "runtime/vulkan/vulkan_device.hpp"

namespace vkflow::vulkan {

struct CoopTile {
  char name;                 // shader name part: l 128x128, m 128x64, n 64x128, s 64x64
  uint32_t bm, bn, threads;  // C tile (rows x columns) and workgroup size
  uint32_t stages;           // specialization constant 1: shared slices (2, or 1 where 2 don't fit)
};

// Values of a coop switch beyond auto|basic|coop: "old", "tiles" and the tile names.
bool coop_tile_value(const char* v);
// The tile for an M x N (x batch) problem, or nullopt (the old kernel) unless `env` is
// "tiles" or a tile name.
// b_kn: B staged [k][n] (convolution) rather than [n][k].
std::optional<CoopTile> pick_coop_tile(const VulkanDevice& dev, const char* env, uint64_t M, uint64_t N,
                                       uint64_t batch, bool b_kn);

}  // namespace vkflow::vulkan
