#include "runtime/sampling/noise_convention.hpp"

#include <algorithm>
#include <limits>

namespace vkflow::sampling {

namespace {

bool uses_brownian_tree(std::string_view name) {
  return name.starts_with("dpmpp_sde") || name.starts_with("dpmpp_2m_sde") ||
         name.starts_with("dpmpp_3m_sde");
}

RandnStream stream_for(const NoiseRequest& req) {
  switch (req.convention) {
    case NoiseConvention::ContinueInitial:
      if (!req.initial_stream) throw Error("noise: ContinueInitial needs the initial generator");
      return req.initial_stream;
    case NoiseConvention::ComfyFreshPlusOne:
      if (!req.make_stream) throw Error("noise: no random stream factory");
      return req.make_stream(req.seed + 1);
    case NoiseConvention::ComfyFresh:
    default:
      if (!req.make_stream) throw Error("noise: no random stream factory");
      return req.make_stream(req.seed);
  }
}

}  // namespace

NoiseSampler make_noise_sampler(std::string_view sampler_name, const NoiseRequest& req,
                                size_t numel, std::span<const double> sigmas) {
  if (!sampler_uses_noise(sampler_name)) return {};
  if (!uses_brownian_tree(sampler_name)) return stream_noise(stream_for(req));
  double lo = std::numeric_limits<double>::infinity(), hi = 0;
  for (double s : sigmas) {
    if (s > 0) lo = std::min(lo, s);
    hi = std::max(hi, s);
  }
  if (!(lo < hi)) lo = 0, hi = std::max(hi, 1.0);
  return brownian_bridge_noise(stream_for(req), numel, lo, hi);
}

}  // namespace vkflow::sampling
