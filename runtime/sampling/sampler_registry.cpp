// Name -> sampler dispatch in ComfyUI's spelling and order.
#include <algorithm>
#include <cmath>
#include <functional>

#include "runtime/sampling/sampler.hpp"
#include "runtime/sampling/samplers/samplers.hpp"

namespace vkflow::sampling {

namespace {

using detail::Buf;
using detail::Sigmas;
using Fn = std::function<void(const SamplerContext&, Sigmas, Buf&)>;

struct Entry {
  std::string name;
  Fn fn;
  bool noise;
};

const std::vector<Entry>& entries() {
  using namespace detail;
  static const std::vector<Entry> kEntries = {
      {"euler", sample_euler, false},
      {"euler_ancestral", sample_euler_ancestral, true},
      {"heun", sample_heun, false},
      {"dpm_2", sample_dpm_2, false},
      {"dpm_2_ancestral", sample_dpm_2_ancestral, true},
      {"lms", [](const SamplerContext& c, Sigmas s, Buf& x) { sample_lms(c, s, x); }, false},
      {"dpmpp_2s_ancestral", sample_dpmpp_2s_ancestral, true},
      {"dpmpp_sde", [](const SamplerContext& c, Sigmas s, Buf& x) { sample_dpmpp_sde(c, s, x); }, true},
      // The *_gpu variants differ in ComfyUI only in where the Brownian tree lives.
      {"dpmpp_sde_gpu", [](const SamplerContext& c, Sigmas s, Buf& x) { sample_dpmpp_sde(c, s, x); }, true},
      {"dpmpp_2m", sample_dpmpp_2m, false},
      {"dpmpp_2m_sde",
       [](const SamplerContext& c, Sigmas s, Buf& x) { sample_dpmpp_2m_sde(c, s, x, SdeSolver::Midpoint); },
       true},
      {"dpmpp_2m_sde_gpu",
       [](const SamplerContext& c, Sigmas s, Buf& x) { sample_dpmpp_2m_sde(c, s, x, SdeSolver::Midpoint); },
       true},
      {"dpmpp_2m_sde_heun",
       [](const SamplerContext& c, Sigmas s, Buf& x) { sample_dpmpp_2m_sde(c, s, x, SdeSolver::Heun); },
       true},
      {"dpmpp_3m_sde", sample_dpmpp_3m_sde, true},
      {"dpmpp_3m_sde_gpu", sample_dpmpp_3m_sde, true},
      // ComfyUI's "ddim" is sample_euler with inpaint option random noise, which only matters
      // for masked inpainting (not supported here): for plain sampling it is euler.
      {"ddim", sample_euler, false},
      {"uni_pc",
       [](const SamplerContext& c, Sigmas s, Buf& x) { sample_uni_pc(c, s, x, UniPcVariant::Bh1); },
       false},
      {"uni_pc_bh2",
       [](const SamplerContext& c, Sigmas s, Buf& x) { sample_uni_pc(c, s, x, UniPcVariant::Bh2); },
       false},
  };
  return kEntries;
}

const Entry* find(std::string_view name) {
  for (const Entry& e : entries())
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace

void sample(std::string_view name, const SamplerContext& ctx, std::span<const double> sigmas,
            std::vector<float>& x) {
  const Entry* e = find(name);
  if (!e) throw Error("unknown sampler '" + std::string(name) + "'");
  if (!std::is_sorted(sigmas.rbegin(), sigmas.rend()))
    throw Error("sampler '" + std::string(name) + "': sigmas must be non-increasing");
  for (size_t i = 0; i < sigmas.size(); ++i) {
    if (!(sigmas[i] >= 0.0) || !std::isfinite(sigmas[i]))
      throw Error("sampler '" + std::string(name) + "': sigmas must be finite and >= 0");
    // Every step divides by its starting sigma; only the final value may be 0.
    if (sigmas[i] == 0.0 && i + 1 < sigmas.size())
      throw Error("sampler '" + std::string(name) + "': sigma 0 before the last step");
  }
  e->fn(ctx, sigmas, x);
}

const std::vector<std::string>& sampler_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> v;
    for (const Entry& e : entries()) v.push_back(e.name);
    return v;
  }();
  return kNames;
}

bool is_sampler(std::string_view name) { return find(name) != nullptr; }

bool sampler_uses_noise(std::string_view name) {
  const Entry* e = find(name);
  return e && e->noise;
}

bool sampler_discards_penultimate_sigma(std::string_view name) {
  return name == "dpm_2" || name == "dpm_2_ancestral" || name == "uni_pc" || name == "uni_pc_bh2";
}

}  // namespace vkflow::sampling
