#include "runtime/sampling/ksampler.hpp"

#include <algorithm>
#include <cmath>

namespace vkflow::sampling {

std::vector<double> ksampler_sigmas(const ScheduleFn& schedule, std::string_view sampler_name,
                                    int steps, double denoise) {
  if (steps < 0) throw Error("KSampler: steps must be >= 0");
  auto full = [&](int n) {
    const bool discard = sampler_discards_penultimate_sigma(sampler_name);
    std::vector<double> s = schedule(discard ? n + 1 : n);
    if (discard && s.size() >= 2) s.erase(s.end() - 2);
    return s;
  };
  if (denoise > 0.9999) return full(steps);
  if (denoise <= 0.0) return {};
  const int n = static_cast<int>(steps / denoise);
  std::vector<double> s = full(n);
  const size_t keep = std::min(s.size(), static_cast<size_t>(steps) + 1);
  return std::vector<double>(s.end() - static_cast<std::ptrdiff_t>(keep), s.end());
}

std::optional<std::vector<double>> ksampler_step_window(std::vector<double> sigmas,
                                                        std::optional<int> start_step,
                                                        std::optional<int> last_step,
                                                        bool force_full_denoise) {
  const auto len = static_cast<int>(sigmas.size());
  if (last_step && *last_step >= 0 && *last_step < len - 1) {
    sigmas.resize(static_cast<size_t>(*last_step) + 1);
    if (force_full_denoise) sigmas.back() = 0.0;
  }
  if (start_step) {
    if (*start_step < static_cast<int>(sigmas.size()) - 1)
      sigmas.erase(sigmas.begin(), sigmas.begin() + std::max(0, *start_step));
    else
      return std::nullopt;
  }
  return sigmas;
}

std::vector<float> initial_latent(const ModelSampling& m, double sigma0, bool max_denoise,
                                  std::span<const float> noise, std::span<const float> latent) {
  std::vector<float> x(noise.size());
  if (!latent.empty() && latent.size() != noise.size())
    throw Error("KSampler: latent and noise sizes differ");
  auto lat = [&](size_t i) { return latent.empty() ? 0.f : latent[i]; };
  if (m.prediction == Prediction::Flow) {
    const float s = static_cast<float>(sigma0), r = static_cast<float>(1.0 - sigma0);
    for (size_t i = 0; i < x.size(); ++i) x[i] = s * noise[i] + r * lat(i);
  } else {
    const float s = static_cast<float>(max_denoise ? std::sqrt(1.0 + sigma0 * sigma0) : sigma0);
    for (size_t i = 0; i < x.size(); ++i) x[i] = noise[i] * s + lat(i);
  }
  return x;
}

std::vector<float> ksample(const KSampleRun& run) {
  const size_t n = run.noise.size();
  if (!run.latent.empty() && run.latent.size() != n)
    throw Error("KSampler: latent has " + std::to_string(run.latent.size()) + " values, noise " +
                std::to_string(n));
  std::vector<float> latent(run.latent.begin(), run.latent.end());
  if (run.sigmas.empty()) {  // denoise 0: ComfyUI returns the input latent
    if (latent.empty()) latent.assign(n, 0.f);
    return latent;
  }
  // ComfyUI scales the input latent only when it is not all zeros (an empty latent stays 0
  // even for formats with a shift).
  if (std::any_of(latent.begin(), latent.end(), [](float v) { return v != 0.f; }))
    latent_to_model(run.format, latent);
  const double sigma0 = run.sigmas.front();
  const bool max_denoise = run.comfy_max_denoise &&
                           (std::fabs(sigma0 - run.model.sigma_max) <=
                                1e-5 * std::max(std::fabs(sigma0), std::fabs(run.model.sigma_max)) ||
                            sigma0 > run.model.sigma_max);
  std::vector<float> x = initial_latent(run.model, sigma0, max_denoise, run.noise, latent);
  SamplerContext ctx = run.ctx;
  ctx.prediction = run.model.prediction;
  ctx.flow_first_sigma = run.model.flow_first_sigma;
  sample(run.sampler, ctx, run.sigmas, x);
  if (run.model.prediction == Prediction::Flow) {  // ComfyUI CONST inverse_noise_scaling
    const float d = static_cast<float>(1.0 - run.sigmas.back());
    for (float& v : x) v /= d;
  }
  latent_from_model(run.format, x);
  return x;
}

}  // namespace vkflow::sampling
