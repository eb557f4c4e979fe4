#include "runtime/sampling/noise_sampler.hpp"

#include <cmath>
#include <string>

namespace vkflow::sampling {

NoiseSampler stream_noise(RandnStream stream) {
  if (!stream) throw Error("stream_noise: no random stream");
  return [stream = std::move(stream)](double, double, std::span<float> out) { stream(out); };
}

namespace {

// A Brownian path W(t), W(t_min) = 0, sampled lazily; values per element.
class BrownianPath {
 public:
  BrownianPath(RandnStream stream, size_t numel, double t_min, double t_max)
      : stream_(std::move(stream)), numel_(numel) {
    if (!(t_max > t_min)) t_max = t_min + 1.0;  // degenerate range: any positive span works
    points_[t_min] = std::vector<float>(numel, 0.f);
    std::vector<float> end(numel);
    stream_(end);
    const float s = static_cast<float>(std::sqrt(t_max - t_min));
    for (float& v : end) v *= s;
    points_[t_max] = std::move(end);
  }

  const std::vector<float>& at(double t) {
    auto hit = points_.find(t);
    if (hit != points_.end()) return hit->second;
    std::vector<float> z(numel_);
    stream_(z);
    auto hi = points_.upper_bound(t);
    if (hi == points_.begin() || hi == points_.end()) {
      // Outside the known range: an independent increment from the nearest end.
      const auto& [t0, w0] = hi == points_.end() ? *points_.rbegin() : *points_.begin();
      const float s = static_cast<float>(std::sqrt(std::fabs(t - t0)));
      for (size_t k = 0; k < numel_; ++k) z[k] = w0[k] + s * z[k];
    } else {
      auto lo = std::prev(hi);
      const double a = lo->first, b = hi->first;
      const float wa = static_cast<float>((b - t) / (b - a)), wb = static_cast<float>((t - a) / (b - a));
      const float s = static_cast<float>(std::sqrt((t - a) * (b - t) / (b - a)));
      for (size_t k = 0; k < numel_; ++k) z[k] = wa * lo->second[k] + wb * hi->second[k] + s * z[k];
    }
    return points_.emplace(t, std::move(z)).first->second;
  }

 private:
  RandnStream stream_;
  size_t numel_;
  std::map<double, std::vector<float>> points_;
};

}  // namespace

NoiseSampler brownian_bridge_noise(RandnStream stream, size_t numel, double sigma_min,
                                   double sigma_max) {
  if (!stream) throw Error("brownian_bridge_noise: no random stream");
  auto path = std::make_shared<BrownianPath>(std::move(stream), numel, sigma_min, sigma_max);
  return [path, numel](double sigma, double sigma_next, std::span<float> out) {
    if (out.size() != numel)
      throw Error("brownian noise: asked for " + std::to_string(out.size()) + " values, made for " +
                  std::to_string(numel));
    if (sigma == sigma_next) throw Error("brownian noise: empty interval");
    // std::map insertions keep references valid, so w0 survives the second lookup.
    const std::vector<float>& w0 = path->at(sigma);
    const std::vector<float>& w1 = path->at(sigma_next);
    const float inv = static_cast<float>(1.0 / std::sqrt(std::fabs(sigma_next - sigma)));
    for (size_t k = 0; k < numel; ++k) out[k] = (w1[k] - w0[k]) * inv;
  };
}

NoiseSampler replay_noise(std::vector<std::vector<float>> draws) {
  auto state = std::make_shared<std::pair<std::vector<std::vector<float>>, size_t>>(std::move(draws), 0);
  return [state](double, double, std::span<float> out) {
    auto& [d, next] = *state;
    if (next >= d.size()) throw Error("replay noise: all " + std::to_string(d.size()) + " draws used");
    if (d[next].size() != out.size()) throw Error("replay noise: draw size mismatch");
    std::copy(d[next].begin(), d[next].end(), out.begin());
    ++next;
  };
}

}  // namespace vkflow::sampling
