// Tile choice for the pipelined tensor-core GEMM / implicit-GEMM kernels.
#include "runtime/vulkan/ops/coop_tiles.hpp"

#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime/core/error.hpp"

namespace vkflow::vulkan {
namespace {

// Must match shaders/CMakeLists.txt (coop_tiles): subgroups x fragments of 16.
constexpr CoopTile kTiles[] = {{'l', 128, 128, 256, 2}, {'m', 128, 64, 128, 2}, {'n', 64, 128, 128, 2}, {'s', 64, 64, 128, 2}};

// Shared memory of a tile at `stages` slices (coop_tile.glsl + the conv's k table).
uint32_t shared_bytes(const CoopTile& t, uint32_t stages, bool b_kn) {
  const uint32_t bk = 32, sk = bk + 8, sn = t.bn + 8;
  uint32_t a = t.bm * sk * 2, b = (b_kn ? bk * sn : t.bn * sk) * 2;
  return stages * (a + b) + (t.threads / 32) * 1024 + (b_kn ? 2 * bk * 16 : 0);
}

// Two slices where they fit (one barrier per K slice), else one; VKFLOW_VK_GEMM_STAGES=1|2
// forces it for A/B runs (2 still falls back where it does not fit).
std::optional<CoopTile> with_stages(const VulkanDevice& dev, CoopTile t, bool b_kn) {
  const char* e = std::getenv("VKFLOW_VK_GEMM_STAGES");
  uint32_t want = e && *e ? static_cast<uint32_t>(std::atoi(e)) : 2u;
  if (want != 1 && want != 2) throw Error("VKFLOW_VK_GEMM_STAGES must be 1 or 2, not '" + std::string(e) + "'");
  uint32_t limit = dev.info().max_shared_memory;
  for (uint32_t s = want; s >= 1; --s)
    if (shared_bytes(t, s, b_kn) <= limit) {
      t.stages = s;
      return t;
    }
  return std::nullopt;
}

}  // namespace

bool coop_tile_value(const char* v) {
  if (!v) return false;
  std::string s(v);
  if (s == "old" || s == "tiles") return true;
  for (const CoopTile& t : kTiles)
    if (s.size() == 1 && s[0] == t.name) return true;
  return false;
}

std::optional<CoopTile> pick_coop_tile(const VulkanDevice& dev, const char* env, uint64_t M, uint64_t N,
                                       uint64_t batch, bool b_kn) {
  const char* v = std::getenv(env);
  std::string s = v ? v : "";
  // Opt-in: on an H200 the tiles measured slower than the first kernels (bench/RESULTS.md).
  if (s != "tiles" && !coop_tile_value(v)) return std::nullopt;
  if (s == "old") return std::nullopt;
  for (const CoopTile& t : kTiles)
    if (s.size() == 1 && s[0] == t.name) {
      if (auto r = with_stages(dev, t, b_kn)) return r;
      throw Unsupported(std::string(env) + "=" + s + ": the tile does not fit the device's shared memory");
    }
  // Largest tile that still gives enough workgroups to fill a big GPU (two per SM of an
  // H100/H200) without wasting more than 15% of it on ragged edges; else the smallest.
  constexpr uint64_t kMinGroups = 256;
  const CoopTile* best = nullptr;
  double best_eff = 0;
  for (const CoopTile& t : kTiles) {
    uint64_t tm = (M + t.bm - 1) / t.bm, tn = (N + t.bn - 1) / t.bn;
    double eff = double(M) * double(N) / (double(tm * t.bm) * double(tn * t.bn));
    if (tm * tn * batch < kMinGroups || eff < 0.85) continue;
    uint64_t area = uint64_t(t.bm) * t.bn;
    if (!best || area > uint64_t(best->bm) * best->bn || (area == uint64_t(best->bm) * best->bn && eff > best_eff)) {
      if (!with_stages(dev, t, b_kn)) continue;
      best = &t;
      best_eff = eff;
    }
  }
  if (best) return with_stages(dev, *best, b_kn);
  if (auto r = with_stages(dev, kTiles[3], b_kn)) return r;
  return std::nullopt;  // no tile fits: the old kernel
}

}  // namespace vkflow::vulkan
