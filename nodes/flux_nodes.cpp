// The FLUX.1 nodes with ComfyUI's names and inputs: UNETLoader (a diffusion model file alone),
// FluxGuidance, ModelSamplingFlux, EmptySD3LatentImage. KSampler, VAEDecode(Tiled)
// and CLIPTextEncode work on FLUX through the MODEL/VAE/CLIP handles (model_values.hpp).
#include <filesystem>

#include "nodes/flux_estimates.hpp"
#include "nodes/flux_handles.hpp"
#include "nodes/inputs.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "nodes/vae_handle.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

std::filesystem::path existing(const RunContext& ctx, const char* input, const char* what) {
  const std::filesystem::path path = input_string(ctx, input);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("input '" + std::string(input) + "': " + what + " not found: " + path.string());
  return path;
}

Values unet_loader(RunContext& ctx) {
  const auto path = existing(ctx, "unet_name", "diffusion model");
  try {
    return {{"model", make_value<ModelValue>(open_flux_model(path))}};
  } catch (const FormatError& e) {
    throw FormatError("input 'unet_name'", e.what());
  }
}

Values flux_guidance(RunContext& ctx) {
  auto c = input_as<ConditioningValue>(ctx, "conditioning", T::CONDITIONING).entries;
  const double g = input_float(ctx, "guidance");
  for (auto& e : c) e.extra["guidance"] = g;
  return {{"conditioning", make_value<ConditioningValue>(std::move(c))}};
}

Values model_sampling_flux(RunContext& ctx) {
  const DiffusionModel& m = *input_as<ModelValue>(ctx, "model", T::MODEL).model;
  const double shift = flux_shift_for(input_int(ctx, "width"), input_int(ctx, "height"), input_float(ctx, "max_shift"),
                                      input_float(ctx, "base_shift"));
  return {{"model", make_value<ModelValue>(with_flux_sampling(m, {FluxSamplingSpec::Kind::Flux, shift}))}};
}

Values empty_sd3_latent(RunContext& ctx) {
  const int64_t w = input_int(ctx, "width"), h = input_int(ctx, "height"), b = input_int(ctx, "batch_size");
  for (auto [name, v] : {std::pair{"width", w}, std::pair{"height", h}})
    if (v <= 0 || v % 16 != 0)
      throw Error("input '" + std::string(name) + "': " + std::to_string(v) + " is not a positive multiple of 16 (FLUX packs 2x2 latent pixels)");
  if (b < 1) throw Error("input 'batch_size': must be at least 1");
  HostTensor t{{b, 16, h / 8, w / 8}, {}};
  t.data.assign(static_cast<size_t>(numel(t.shape)), 0.0f);
  return {{"latent", make_value<LatentValue>(std::move(t))}};
}

NodeDef def(const char* type, const char* category, const char* description) {
  NodeDef d;
  d.schema.type = type;
  d.schema.category = category;
  d.schema.description = description;
  d.schema.comfy_class_types = {type};
  return d;
}

}  // namespace

VKFLOW_REGISTER_NODES(flux_nodes) {
  NodeDef u = def("UNETLoader", "loaders",
                  "Opens a FLUX.1 diffusion model (BFL safetensors bf16/fp16/fp8, or GGUF in city96's or stable-diffusion.cpp's layout); "
                  "weights load at their stored type on the device of the sampler.");
  graph::InputSpec unet = port("unet_name", T::STRING, "diffusion model file name (models/diffusion_models/) or path");
  unet.model_folder = "diffusion_models";
  u.schema.inputs = {unet, choice_param("weight_dtype", "default", {"default", "fp8_e4m3fn", "fp8_e4m3fn_fast", "fp8_e5m2"},
                                        "accepted for ComfyUI workflows; weights always stay at the file's type")};
  u.schema.outputs = {output("model", T::MODEL)};
  u.run = unet_loader;
  u.estimate = estimate_unet_loader;
  reg.add(std::move(u));

  NodeDef g = def("FluxGuidance", "conditioning", "Sets the distilled guidance value FLUX.1-dev embeds (schnell ignores it).");
  g.schema.inputs = {port("conditioning", T::CONDITIONING), float_param("guidance", 3.5, 0.0, 100.0)};
  g.schema.outputs = {output("conditioning", T::CONDITIONING)};
  g.run = flux_guidance;
  g.estimate = estimate_flux_passthrough;
  reg.add(std::move(g));

  NodeDef s = def("ModelSamplingFlux", "advanced/model",
                  "FLUX sigma shift from the image size (ComfyUI's ModelSamplingFlux: linear in tokens from base_shift at 256 to max_shift at 4096).");
  s.schema.inputs = {port("model", T::MODEL), float_param("max_shift", 1.15, 0.0, 100.0), float_param("base_shift", 0.5, 0.0, 100.0),
                     int_param("width", 1024, 16, 16384), int_param("height", 1024, 16, 16384)};
  s.schema.outputs = {output("model", T::MODEL)};
  s.run = model_sampling_flux;
  s.estimate = estimate_flux_passthrough;
  reg.add(std::move(s));

  NodeDef e = def("EmptySD3LatentImage", "latent", "An all-zero 16-channel latent (FLUX, SD3) of width/8 x height/8.");
  e.schema.inputs = {int_param("width", 1024, 16, 16384), int_param("height", 1024, 16, 16384), int_param("batch_size", 1, 1, 4096)};
  e.schema.outputs = {output("latent", T::LATENT)};
  e.run = empty_sd3_latent;
  e.estimate = estimate_empty_sd3_latent;
  reg.add(std::move(e));
}

}  // namespace vkflow::nodes
