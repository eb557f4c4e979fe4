#include "runtime/models/unet/eps_denoiser.hpp"

#include <cmath>
#include <memory>
#include <numeric>
#include <vector>

#include "runtime/ops/layout.hpp"

namespace vkflow::models {
namespace {

// One forward over `batch` latents: out = x − σ·ε(x·c_in, t(σ), ctx).
void eps_denoise(const UNetModel& unet, Shape shape, const Tensor& ctx, const TimestepFn& t_of,
                 std::span<const float> x, double sigma, std::span<float> out) {
  if (static_cast<int64_t>(x.size()) != numel(shape) || out.size() != x.size())
    throw Error("eps denoiser: latent of " + std::to_string(x.size()) + " values for shape " + to_string(shape));
  const float s = static_cast<float>(sigma);
  const float c_in = 1.0f / std::sqrt(s * s + 1.0f);
  std::vector<float> xin(x.size());
  for (size_t i = 0; i < x.size(); ++i) xin[i] = x[i] * c_in;
  Device& dev = unet.device();
  const float t = static_cast<float>(t_of(sigma));
  const std::vector<float> eps =
      unet.forward(Tensor::from_f32(dev, shape, xin), Tensor::from_f32(dev, {1}, {t}), ctx).to_f32();
  for (size_t i = 0; i < x.size(); ++i) out[i] = x[i] - eps[i] * s;
}

}  // namespace

Tensor repeat_context(const Tensor& ctx, int64_t n, int64_t len) {
  if (ctx.rank() != 3 || (ctx.dim(0) != 1 && ctx.dim(0) != n) || len % ctx.dim(1) != 0)
    throw Error("eps denoiser: context " + to_string(ctx.shape()) + " cannot be repeated to [" + std::to_string(n) +
                ", " + std::to_string(len) + ", C]");
  Tensor c = ctx;
  if (c.dim(1) != len) c = ops::concat(std::vector<Tensor>(static_cast<size_t>(len / c.dim(1)), c), 1);
  if (c.dim(0) != n) c = ops::concat(std::vector<Tensor>(static_cast<size_t>(n), c), 0);
  return c;
}

sampling::Denoiser make_eps_denoiser(const UNetModel& unet, const Shape& latent, const Tensor& context, TimestepFn t_of) {
  if (latent.size() != 4) throw Error("eps denoiser: latent shape must be [B, C, h, w]");
  Tensor ctx = repeat_context(context, latent[0], context.dim(1));
  return [&unet, latent, ctx, t_of = std::move(t_of)](std::span<const float> x, double sigma, std::span<float> out) {
    eps_denoise(unet, latent, ctx, t_of, x, sigma, out);
  };
}

sampling::BatchedDenoiser make_cfg_eps_denoiser(const UNetModel& unet, const Shape& latent, const Tensor& uncond,
                                                const Tensor& cond, TimestepFn t_of) {
  if (latent.size() != 4) throw Error("eps denoiser: latent shape must be [B, C, h, w]");
  if (uncond.rank() != 3 || cond.rank() != 3) throw Error("eps denoiser: contexts must be [B, L, C]");
  const int64_t b = latent[0], len = std::lcm(uncond.dim(1), cond.dim(1));
  Tensor ctx = ops::concat({repeat_context(uncond, b, len), repeat_context(cond, b, len)}, 0);
  Shape shape2 = latent;
  shape2[0] = 2 * b;
  return [&unet, shape2, ctx, t_of = std::move(t_of)](std::span<const float> x2, double sigma, std::span<float> out2) {
    eps_denoise(unet, shape2, ctx, t_of, x2, sigma, out2);
  };
}

}  // namespace vkflow::models
