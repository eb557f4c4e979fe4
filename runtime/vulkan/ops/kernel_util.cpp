#include "runtime/vulkan/ops/kernel_util.hpp"
#include "runtime/vulkan/ops/coop_tiles.hpp"

#include <algorithm>
#include <cstdlib>

namespace vkflow::vulkan {

int64_t env_knob(const char* name, int64_t fallback, int64_t lo, int64_t hi) {
  const char* e = std::getenv(name);
  if (!e || !*e) return fallback;
  char* end = nullptr;
  const long long v = std::strtoll(e, &end, 10);
  return (*end == 0 && v >= lo && v <= hi) ? v : fallback;
}

Grid grid_for(uint64_t n, uint32_t wg) {
  uint64_t groups = std::max<uint64_t>(1, (n + wg - 1) / wg);
  Grid g;
  g.x = static_cast<uint32_t>(std::min<uint64_t>(groups, 65535));
  g.y = static_cast<uint32_t>((groups + g.x - 1) / g.x);
  return g;
}

Strided coalesce(std::vector<int64_t> dims, std::vector<std::vector<int64_t>> strides) {
  Strided out;
  out.strides.resize(strides.size());
  for (size_t d = 0; d < dims.size(); ++d) {
    if (dims[d] == 1) continue;
    bool merge = !out.dims.empty();
    for (size_t s = 0; merge && s < strides.size(); ++s) merge = out.strides[s].back() == strides[s][d] * dims[d];
    if (merge) {
      out.dims.back() *= dims[d];
      for (size_t s = 0; s < strides.size(); ++s) out.strides[s].back() = strides[s][d];
    } else {
      out.dims.push_back(dims[d]);
      for (size_t s = 0; s < strides.size(); ++s) out.strides[s].push_back(strides[s][d]);
    }
  }
  if (out.dims.empty()) {
    out.dims.push_back(1);
    for (auto& s : out.strides) s.push_back(0);
  }
  return out;
}

uint32_t checked_u32(int64_t v, const std::string& what) {
  if (v < 0 || v > 0xFFFFFFFFll) throw Unsupported("Vulkan: " + what + " = " + std::to_string(v) + " does not fit 32 bits");
  return static_cast<uint32_t>(v);
}

void to_push(const Strided& s, uint32_t& rank, uint32_t* dims, std::vector<uint32_t*> strides, const std::string& op) {
  if (s.dims.size() > 6) throw Unsupported("Vulkan: " + op + " needs more than 6 non-mergeable dimensions");
  rank = static_cast<uint32_t>(s.dims.size());
  for (size_t d = 0; d < s.dims.size(); ++d) {
    dims[d] = checked_u32(s.dims[d], op + " dimension");
    for (size_t k = 0; k < strides.size(); ++k) strides[k][d] = checked_u32(s.strides[k][d], op + " stride");
  }
}

std::vector<uint32_t> spec_wg(uint32_t wg) { return {wg}; }

Coop coop_mode(const VulkanDevice& dev, const char* env, bool coop_by_default, bool tiles) {
  const char* v = std::getenv(env);
  std::string s = v ? v : "";
  if (tiles && coop_tile_value(v)) s = "coop";  // old kernel or a forced tile: still coop
  if (!s.empty() && s != "auto" && s != "basic" && s != "coop")
    throw Error(std::string(env) + " must be auto, basic, coop" + (tiles ? ", old, tiles, l, m, n or s" : " or") + ", not '" + s + "'");
  if (s == "basic" || ((s.empty() || s == "auto") && !coop_by_default)) return Coop::None;
  if (!dev.fast()) return Coop::None;
  const char* emu = std::getenv("VKFLOW_VK_COOP_EMULATE");
  if (emu && std::string(emu) == "1" && dev.info().fp16_arith) return Coop::Emulated;
  if (dev.info().coop_matrix_nv && dev.info().subgroup_size == 32) return Coop::Native;
  return Coop::None;
}

const char* coop_suffix(Coop c) { return c == Coop::Native ? "_coop" : c == Coop::Emulated ? "_coopemu" : ""; }

}  // namespace vkflow::vulkan

namespace vkflow::vulkan {
void strided_copy(VulkanDevice& dev, const Tensor& src, const Tensor& dst, const std::vector<int64_t>& dims,
                  const std::vector<int64_t>& src_strides, const std::vector<int64_t>& dst_strides,
                  int64_t src_base, int64_t dst_base) {
  if (dtype_info(src.dtype()).block_bytes != 4 || dtype_info(dst.dtype()).block_bytes != 4)
    throw Unsupported("Vulkan layout ops move 4-byte elements only, not " + std::string(dtype_name(src.dtype())));
  struct { uint32_t n, rank, src_base, dst_base, dims[6], ss[6], ds[6]; } p{};
  int64_t n = 1;
  for (int64_t d : dims) n *= d;
  if (n == 0) return;
  Strided s = coalesce(dims, {src_strides, dst_strides});
  to_push(s, p.rank, p.dims, {p.ss, p.ds}, "strided copy");
  p.n = checked_u32(n, "elements");
  p.src_base = checked_u32(src_base, "offset");
  p.dst_base = checked_u32(dst_base, "offset");
  const auto& pipe = dev.pipeline("strided_copy", 2, sizeof(p), spec_wg());
  Grid g = grid_for(p.n);
  dev.dispatch(pipe, {in(src), out(dst)}, p, g.x, g.y, 1, double(n) * 8);
}
}  // namespace vkflow::vulkan
