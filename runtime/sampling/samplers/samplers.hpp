#pragma once
// The sampler loops, one family per file; sample() in sampler_registry.cpp dispatches by name.
#include <span>

#include "runtime/sampling/samplers/step_kit.hpp"

namespace vkflow::sampling::detail {

using Sigmas = std::span<const double>;

void sample_euler(const SamplerContext&, Sigmas, Buf& x);
void sample_euler_ancestral(const SamplerContext&, Sigmas, Buf& x);
void sample_heun(const SamplerContext&, Sigmas, Buf& x);
void sample_dpm_2(const SamplerContext&, Sigmas, Buf& x);
void sample_dpm_2_ancestral(const SamplerContext&, Sigmas, Buf& x);
void sample_lms(const SamplerContext&, Sigmas, Buf& x, int order = 4);
void sample_dpmpp_2m(const SamplerContext&, Sigmas, Buf& x);
void sample_dpmpp_2s_ancestral(const SamplerContext&, Sigmas, Buf& x);
void sample_dpmpp_sde(const SamplerContext&, Sigmas, Buf& x, double r = 0.5);
enum class SdeSolver { Midpoint, Heun };
void sample_dpmpp_2m_sde(const SamplerContext&, Sigmas, Buf& x, SdeSolver solver);
void sample_dpmpp_3m_sde(const SamplerContext&, Sigmas, Buf& x);
enum class UniPcVariant { Bh1, Bh2 };
void sample_uni_pc(const SamplerContext&, Sigmas, Buf& x, UniPcVariant variant);

}  // namespace vkflow::sampling::detail
