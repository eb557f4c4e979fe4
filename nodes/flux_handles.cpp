#include "nodes/flux_handles.hpp"

#include <cmath>

#include "runtime/core/error.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/flux/flow_denoiser.hpp"
#include "runtime/models/flux/flux_model.hpp"
#include "runtime/sampling/flow_schedule.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "runtime/sampling/torch_linspace.hpp"

namespace vkflow::nodes {
namespace {

using FilePtr = std::shared_ptr<const formats::ModelFile>;

Tensor to_device(Device& dev, const HostTensor& t) { return Tensor::from_f32(dev, t.shape, t.data); }

// ComfyUI's sigma table and sigma(t) / timestep(sigma) for the two FLUX model samplings.
struct FlowSampling {
  FluxSamplingSpec spec;
  std::vector<float> table;
  explicit FlowSampling(FluxSamplingSpec s)
      : spec(s),
        table(s.kind == FluxSamplingSpec::Kind::Flux ? sampling::comfy_flux_model_sigmas(s.shift)
                                                     : sampling::comfy_discrete_flow_sigmas(s.shift)) {}
  bool flux() const { return spec.kind == FluxSamplingSpec::Kind::Flux; }
  double timestep(double sigma) const { return flux() ? sigma : sigma * 1000.0; }
  float sigma(float t) const {
    if (flux()) {
      const float e = static_cast<float>(std::exp(spec.shift));
      return e / (e + (1.0f / t - 1.0f));
    }
    const float x = t / 1000.0f, a = static_cast<float>(spec.shift);
    return spec.shift == 1.0 ? x : a * x / (1.0f + (a - 1.0f) * x);
  }
  // ComfyUI normal_scheduler: timesteps linspace(t(σmax), t(σmin)), σ of each, then 0.
  std::vector<float> normal(int64_t steps, bool sgm) const {
    const auto ts = sampling::torch_linspace_f32(static_cast<float>(timestep(table.back())),
                                                 static_cast<float>(timestep(table.front())), sgm ? steps + 1 : steps);
    std::vector<float> s;
    for (int64_t i = 0; i < steps; ++i) s.push_back(sigma(ts[static_cast<size_t>(i)]));
    s.push_back(0.0f);
    return s;
  }
};

const ConditioningEntry& single_entry(const ConditioningValue& c, const char* what) {
  if (c.entries.size() != 1)
    throw Unsupported(std::string(what) + " conditioning has " + std::to_string(c.entries.size()) +
                      " entries; combining several conditionings is not supported");
  return c.entries.front();
}

models::FluxCond flux_cond(Device& dev, const ConditioningValue& c, const char* what) {
  const ConditioningEntry& e = single_entry(c, what);
  if (!e.pooled)
    throw Error(std::string(what) + " conditioning has no pooled CLIP output (FLUX needs CLIP-L's; use DualCLIPLoader type flux)");
  const auto g = e.extra.find("guidance");
  // ComfyUI's Flux.extra_conds: guidance 3.5 unless FluxGuidance set it.
  return {to_device(dev, e.cross_attn), to_device(dev, *e.pooled), g == e.extra.end() ? 3.5f : static_cast<float>(g->second)};
}

class FluxDiffusion final : public DiffusionModel {
 public:
  FluxDiffusion(FilePtr f, FluxSamplingSpec spec, std::shared_ptr<PerDevice<models::FluxModel>> dits)
      : file_(std::move(f)), sampling_(spec), dits_(std::move(dits)) {}
  std::string family() const override { return "flux"; }
  std::string source() const override { return file_->describe(); }
  sampling::ModelSampling model_sampling() const override {
    sampling::ModelSampling m;
    m.prediction = sampling::Prediction::Flow;
    m.sigma_max = sampling_.table.back();
    m.sigma_min = sampling_.table.front();
    m.flow_first_sigma = sampling_.sigma(sampling_.flux() ? 0.9999f : 999.9f);  // percent_to_sigma(1e-4)
    return m;
  }
  sampling::LatentFormat latent_format() const override { return sampling::LatentFormat::flux(); }
  int64_t latent_channels() const override { return 16; }
  std::vector<double> sigmas(std::string_view name, int steps) const override {
    std::vector<float> s;
    const auto& t = sampling_.table;
    if (name == "simple") s = sampling::comfy_simple(t, steps);
    else if (name == "normal") s = sampling_.normal(steps, false);
    else if (name == "sgm_uniform") s = sampling_.normal(steps, true);
    else if (name == "karras") s = sampling::karras(steps, t.front(), t.back());
    else if (name == "exponential") s = sampling::exponential(steps, t.front(), t.back());
    else if (name == "ddim_uniform") s = sampling::comfy_ddim_uniform(t, steps);
    else if (name == "beta") s = sampling::comfy_beta(t, steps);
    else throw Error("unknown scheduler '" + std::string(name) + "'");
    return {s.begin(), s.end()};
  }
  void release_loaded() const override { dits_->release(); }
  FluxSamplingSpec spec() const { return sampling_.spec; }
  std::shared_ptr<FluxDiffusion> with(FluxSamplingSpec s) const { return std::make_shared<FluxDiffusion>(file_, s, dits_); }

  sampling::Denoiser denoiser(const DenoiseRequest& req) const override {
    auto dit = dits_->get(req.device, [&](Device& d) { return std::make_shared<const models::FluxModel>(*file_, d); });
    const models::FluxCond cond = flux_cond(req.device, req.positive, "positive");
    sampling::Denoiser cond_only = models::make_flow_denoiser(*dit, req.latent, cond);
    sampling::Denoiser d;
    if (req.cfg == 1.0) {
      d = cond_only;
    } else {
      if (!req.negative) throw Error("classifier-free guidance (cfg " + std::to_string(req.cfg) + ") needs a negative conditioning");
      const models::FluxCond uncond = flux_cond(req.device, *req.negative, "negative");
      d = sampling::make_cfg_denoiser(models::make_cfg_flow_denoiser(*dit, req.latent, uncond, cond), req.cfg, cond_only);
    }
    return [dit, d](std::span<const float> x, double sigma, std::span<float> out) { d(x, sigma, out); };
  }

 private:
  FilePtr file_;
  FlowSampling sampling_;
  std::shared_ptr<PerDevice<models::FluxModel>> dits_;  // shared by the re-sampled copies
};

}  // namespace

double flux_shift_for(int64_t width, int64_t height, double max_shift, double base_shift) {
  const double x1 = 256, x2 = 4096;
  const double mm = (max_shift - base_shift) / (x2 - x1), b = base_shift - mm * x1;
  return static_cast<double>(width * height) / (8 * 8 * 2 * 2) * mm + b;
}

std::shared_ptr<const DiffusionModel> open_flux_model(const std::filesystem::path& path) {
  auto file = std::make_shared<const formats::ModelFile>(formats::ModelFile::open(path));
  const auto& det = file->detection();
  if (det.arch != formats::arch::kFlux)
    throw FormatError(path.string(), "not a FLUX transformer (detected " + det.arch + ")");
  if (!det.problems.empty()) throw FormatError(path.string(), det.problems.front());
  FluxSamplingSpec spec;  // schnell
  if (file->find("guidance_in.in_layer.weight")) spec = {FluxSamplingSpec::Kind::Flux, 1.15};  // dev
  return std::make_shared<const FluxDiffusion>(file, spec, std::make_shared<PerDevice<models::FluxModel>>());
}

std::shared_ptr<const DiffusionModel> with_flux_sampling(const DiffusionModel& model, FluxSamplingSpec spec) {
  const auto* f = dynamic_cast<const FluxDiffusion*>(&model);
  if (!f) throw Error("ModelSamplingFlux needs a FLUX model, got a " + model.family() + " model");
  return f->with(spec);
}

}  // namespace vkflow::nodes
