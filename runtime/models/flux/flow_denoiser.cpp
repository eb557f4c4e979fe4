#include "runtime/models/flux/flow_denoiser.hpp"

#include <vector>

#include "runtime/ops/layout.hpp"

namespace vkflow::models {
namespace {

// cond's tensors repeated to n rows (from 1 or n).
FluxCond batched(const FluxCond& c, int64_t n) {
  auto rep = [n](const Tensor& t, const char* what) {
    if (!t.defined() || t.dim(0) == n) return t;
    if (t.dim(0) != 1)
      throw Error(std::string("flux denoiser: ") + what + " " + to_string(t.shape()) + " does not fit a batch of " +
                  std::to_string(n));
    return ops::concat(std::vector<Tensor>(static_cast<size_t>(n), t), 0);
  };
  if (!c.txt.defined() || c.txt.rank() != 3 || !c.pooled.defined() || c.pooled.rank() != 2)
    throw Error("flux denoiser: conditioning needs T5 states [B, L, C] and a pooled vector [B, C]");
  return {rep(c.txt, "text states"), rep(c.pooled, "pooled vector"), c.guidance};
}

// out = x − σ·v over `shape` (shape[0] samples, all with conditioning c).
void flow_denoise(const FluxModel& dit, const Shape& shape, const FluxCond& c, std::span<const float> x, double sigma,
                  std::span<float> out) {
  if (static_cast<int64_t>(x.size()) != numel(shape) || out.size() != x.size())
    throw Error("flux denoiser: latent of " + std::to_string(x.size()) + " values for shape " + to_string(shape));
  Device& dev = dit.device();
  const float s = static_cast<float>(sigma);
  const Tensor g = dit.config().guidance_embed ? Tensor::from_f32(dev, {1}, {c.guidance}) : Tensor{};
  const std::vector<float> v =
      dit.forward_latent(Tensor::from_f32(dev, shape, std::vector<float>(x.begin(), x.end())),
                         Tensor::from_f32(dev, {1}, {s}), c.txt, c.pooled, g)
          .to_f32();
  for (size_t i = 0; i < x.size(); ++i) out[i] = x[i] - s * v[i];
}

}  // namespace

sampling::Denoiser make_flow_denoiser(const FluxModel& dit, const Shape& latent, const FluxCond& cond) {
  if (latent.size() != 4) throw Error("flux denoiser: latent shape must be [B, C, h, w]");
  FluxCond c = batched(cond, latent[0]);
  return [&dit, latent, c](std::span<const float> x, double sigma, std::span<float> out) {
    flow_denoise(dit, latent, c, x, sigma, out);
  };
}

sampling::BatchedDenoiser make_cfg_flow_denoiser(const FluxModel& dit, const Shape& latent, const FluxCond& uncond,
                                                 const FluxCond& cond) {
  if (latent.size() != 4) throw Error("flux denoiser: latent shape must be [B, C, h, w]");
  const int64_t b = latent[0];
  FluxCond u = batched(uncond, b), c = batched(cond, b);
  if (u.guidance == c.guidance && u.txt.dim(1) == c.txt.dim(1)) {
    const FluxCond both{ops::concat({u.txt, c.txt}, 0), ops::concat({u.pooled, c.pooled}, 0), c.guidance};
    Shape shape2 = latent;
    shape2[0] = 2 * b;
    return [&dit, shape2, both](std::span<const float> x2, double sigma, std::span<float> out2) {
      flow_denoise(dit, shape2, both, x2, sigma, out2);
    };
  }
  return [&dit, latent, u, c](std::span<const float> x2, double sigma, std::span<float> out2) {
    const size_t n = x2.size() / 2;
    flow_denoise(dit, latent, u, x2.first(n), sigma, out2.first(n));
    flow_denoise(dit, latent, c, x2.subspan(n), sigma, out2.subspan(n));
  };
}

}  // namespace vkflow::models
