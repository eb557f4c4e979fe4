// KSampler and KSamplerAdvanced: ComfyUI's common_ksampler over the MODEL handle's denoiser
// and runtime/sampling (sigmas, torch-exact initial noise, the sampler loops).
#include <algorithm>

#include "nodes/diffusion_estimates.hpp"
#include "nodes/inputs.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/schedulers.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "scheduler/cancel.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

struct SampleArgs {
  bool add_noise = true;
  uint64_t seed = 0;
  int steps = 20;
  double cfg = 8.0;
  std::string sampler, scheduler;
  double denoise = 1.0;
  std::optional<int> start_step, last_step;
  bool force_full_denoise = true;
};

std::string checked_sampler(const RunContext& ctx) {
  std::string s = input_string(ctx, "sampler_name");
  if (!sampling::is_sampler(s)) throw Error("input 'sampler_name': unknown sampler '" + s + "'");
  return s;
}

Values common_ksampler(RunContext& ctx, const SampleArgs& a) {
  const DiffusionModel& model = *input_as<ModelValue>(ctx, "model", T::MODEL).model;
  const auto& latent = input_as<LatentValue>(ctx, "latent_image", T::LATENT);
  const auto& positive = input_as<ConditioningValue>(ctx, "positive", T::CONDITIONING);
  const auto& negative = input_as<ConditioningValue>(ctx, "negative", T::CONDITIONING);
  if (latent.noise_mask) throw Unsupported("input 'latent_image': latents with a noise mask (inpainting) are not supported");
  if (latent.batch_index) throw Unsupported("input 'latent_image': latents with a batch_index are not supported");
  if (latent.samples.shape.size() != 4) throw Error("input 'latent_image': expected [B, C, h, w], got " + to_string(latent.samples.shape));

  HostTensor samples = latent.samples;
  const bool all_zero = std::all_of(samples.data.begin(), samples.data.end(), [](float v) { return v == 0.0f; });
  // ComfyUI's fix_empty_latent_channels: an empty latent takes the model's channel count.
  if (all_zero && samples.shape[1] != model.latent_channels()) {
    samples.shape[1] = model.latent_channels();
    samples.data.assign(static_cast<size_t>(numel(samples.shape)), 0.0f);
  }
  if (samples.shape[1] != model.latent_channels())
    throw Error("input 'latent_image': " + std::to_string(samples.shape[1]) + " channels, the model samples " +
                std::to_string(model.latent_channels()));

  std::vector<double> sigmas;
  try {
    sampling::ScheduleFn schedule = [&](int n) { return model.sigmas(a.scheduler, n); };
    sigmas = sampling::ksampler_sigmas(schedule, a.sampler, a.steps, a.denoise);
  } catch (const Error& e) {
    throw Error("input 'scheduler': " + std::string(e.what()));
  }
  auto out = std::make_shared<LatentValue>(samples);
  out->noise_mask = latent.noise_mask;
  out->batch_index = latent.batch_index;
  auto window = sampling::ksampler_step_window(sigmas, a.start_step, a.last_step, a.force_full_denoise);
  if (!window || window->size() < 2) return {{"latent", std::shared_ptr<const Object>(out)}};

  const size_t n = samples.data.size();
  const sampling::InitialNoise init = sampling::initial_noise(a.seed, n);
  const std::vector<float> zeros(a.add_noise ? 0 : n, 0.0f);
  sampling::KSampleRun run;
  run.sampler = a.sampler;
  run.sigmas = *window;
  run.latent = samples.data;
  run.noise = a.add_noise ? std::span<const float>(init.noise) : std::span<const float>(zeros);
  run.format = model.latent_format();
  run.model = model.model_sampling();
  run.ctx.denoiser = model.denoiser({ctx.device, samples.shape, positive, &negative, a.cfg, &ctx.options});
  run.ctx.noise = sampling::make_noise_sampler(
      a.sampler, sampling::torch_noise_request(a.seed, sampling::NoiseConvention::ComfyFresh, init), n, run.sigmas);
  run.ctx.on_step = [&](const sampling::StepInfo& s) {
    ctx.progress(s.step + 1, s.total);
    if (ctx.cancelled()) throw scheduler::Cancelled();
    return true;
  };
  out->samples.data = sampling::ksample(run);
  return {{"latent", std::shared_ptr<const Object>(out)}};
}

uint64_t seed_of(const RunContext& ctx, const char* name) { return static_cast<uint64_t>(input_int(ctx, name)); }

Values ksampler(RunContext& ctx) {
  SampleArgs a;
  a.seed = seed_of(ctx, "seed");
  a.steps = static_cast<int>(input_int(ctx, "steps"));
  a.cfg = input_float(ctx, "cfg");
  a.sampler = checked_sampler(ctx);
  a.scheduler = input_string(ctx, "scheduler");
  a.denoise = input_float(ctx, "denoise");
  return common_ksampler(ctx, a);
}

Values ksampler_advanced(RunContext& ctx) {
  SampleArgs a;
  a.add_noise = input_string(ctx, "add_noise") != "disable";
  a.seed = seed_of(ctx, "noise_seed");
  a.steps = static_cast<int>(input_int(ctx, "steps"));
  a.cfg = input_float(ctx, "cfg");
  a.sampler = checked_sampler(ctx);
  a.scheduler = input_string(ctx, "scheduler");
  a.start_step = static_cast<int>(input_int(ctx, "start_at_step"));
  a.last_step = static_cast<int>(input_int(ctx, "end_at_step"));
  a.force_full_denoise = input_string(ctx, "return_with_leftover_noise") != "enable";
  return common_ksampler(ctx, a);
}

std::vector<graph::InputSpec> common_inputs(const char* seed_name, std::vector<graph::InputSpec> middle) {
  std::vector<graph::InputSpec> v = {port("model", T::MODEL)};
  v.insert(v.end(), middle.begin(), middle.end());
  graph::InputSpec seed = int_param(seed_name, 0, 0, 18446744073709551615.0, "noise seed (torch.manual_seed)");
  v.push_back(seed);
  v.push_back(int_param("steps", 20, 1, 10000));
  v.push_back(float_param("cfg", 8.0, 0.0, 100.0, "classifier-free guidance scale (1 = no negative pass)"));
  v.push_back(choice_param("sampler_name", "euler", sampling::sampler_names()));
  v.push_back(choice_param("scheduler", "normal", sampling::comfy_scheduler_names()));
  v.push_back(port("positive", T::CONDITIONING));
  v.push_back(port("negative", T::CONDITIONING));
  v.push_back(port("latent_image", T::LATENT, "empty (text-to-image) or encoded image (image-to-image)"));
  return v;
}

}  // namespace

VKFLOW_REGISTER_NODES(ksampler) {
  NodeDef k;
  k.schema.type = "KSampler";
  k.schema.category = "sampling";
  k.schema.description = "Denoises the latent with the model (ComfyUI's KSampler: torch-exact seed noise, its samplers and schedulers); denoise < 1 keeps part of the input latent (image-to-image).";
  k.schema.inputs = common_inputs("seed", {});
  k.schema.inputs.push_back(float_param("denoise", 1.0, 0.0, 1.0, "fraction of the schedule run (1 = from pure noise)"));
  k.schema.outputs = {output("latent", T::LATENT)};
  k.schema.comfy_class_types = {"KSampler"};
  k.schema.devices = {"cpu", "vulkan"};
  k.run = ksampler;
  k.estimate = estimate_ksampler;
  reg.add(std::move(k));

  NodeDef adv;
  adv.schema.type = "KSamplerAdvanced";
  adv.schema.category = "sampling";
  adv.schema.description = "KSampler over a step window (start_at_step..end_at_step), with noise and the final denoise optional.";
  adv.schema.inputs = common_inputs("noise_seed", {choice_param("add_noise", "enable", {"enable", "disable"})});
  adv.schema.inputs.push_back(int_param("start_at_step", 0, 0, 10000));
  adv.schema.inputs.push_back(int_param("end_at_step", 10000, 0, 10000));
  adv.schema.inputs.push_back(choice_param("return_with_leftover_noise", "disable", {"disable", "enable"}));
  adv.schema.outputs = {output("latent", T::LATENT)};
  adv.schema.comfy_class_types = {"KSamplerAdvanced"};
  adv.schema.devices = {"cpu", "vulkan"};
  adv.run = ksampler_advanced;
  adv.estimate = estimate_ksampler;
  reg.add(std::move(adv));
}

}  // namespace vkflow::nodes
