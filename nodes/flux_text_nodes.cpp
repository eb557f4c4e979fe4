// DualCLIPLoader (type flux: clip_l + t5xxl, safetensors or GGUF, either order) and
// CLIPTextEncodeFlux (separate CLIP-L and T5 prompts, FLUX guidance), with ComfyUI's names and
// inputs. CLIPTextEncode on a FLUX CLIP sends one text to both (conditioning.cpp).
#include "nodes/flux_clip.hpp"
#include "nodes/flux_text_estimates.hpp"
#include "nodes/inputs.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

Values dual_clip_loader(RunContext& ctx) {
  const std::string& type = input_string(ctx, "type");
  if (type != "flux") throw Unsupported("input 'type': DualCLIPLoader type '" + type + "' is not supported (only flux)");
  auto enc = open_flux_dual_clip(input_string(ctx, "clip_name1"), input_string(ctx, "clip_name2"));
  return {{"clip", make_value<ClipValue>(std::move(enc), -1)}};
}

Values clip_text_encode_flux(RunContext& ctx) {
  const auto& clip = input_as<ClipValue>(ctx, "clip", T::CLIP);
  const auto* flux = dynamic_cast<const FluxTextEncoder*>(clip.encoder.get());
  if (!flux) throw Error("input 'clip': CLIPTextEncodeFlux needs a FLUX CLIP (DualCLIPLoader type flux), got " + clip.encoder->source());
  ConditioningEntry e = flux->encode_dual(input_string(ctx, "clip_l"), input_string(ctx, "t5xxl"), ctx.device,
                                         flux_text_options(ctx.options));
  e.extra["guidance"] = input_float(ctx, "guidance");
  return {{"conditioning", make_value<ConditioningValue>(std::vector<ConditioningEntry>{std::move(e)})}};
}

Estimate estimate_encode_flux(EstimateContext& ctx) {
  const nlohmann::json& clip = ctx.inputs.contains("clip") ? ctx.inputs["clip"] : nlohmann::json();
  if (!is_flux_clip(clip)) {
    Estimate e;
    Footprint f;
    f.device = ctx.target;
    e.variants.push_back(f);
    return e;
  }
  return estimate_flux_text_encode(ctx, clip, ctx.inputs.value("clip_l", nlohmann::json()),
                                   ctx.inputs.value("t5xxl", nlohmann::json()));
}

}  // namespace

VKFLOW_REGISTER_NODES(flux_text) {
  NodeDef loader;
  loader.schema.type = "DualCLIPLoader";
  loader.schema.category = "loaders";
  loader.schema.description =
      "Opens two text encoders as one CLIP. Type flux: a CLIP-L and a T5-XXL file (safetensors or GGUF, either order); "
      "weights load on the device of the node that encodes.";
  graph::InputSpec a = port("clip_name1", T::STRING, "first text encoder file (models/text_encoders/ or clip/) or path");
  graph::InputSpec b = port("clip_name2", T::STRING, "second text encoder file");
  a.model_folder = b.model_folder = "text_encoders";
  loader.schema.inputs = {a, b, choice_param("type", "flux", {"flux"}, "which pair of encoders (flux: clip_l + t5xxl)"),
                          choice_param("device", "default", {"default", "cpu"},
                                       "ComfyUI's device hint; vkflow's planner places the encoding node")};
  loader.schema.outputs = {output("clip", T::CLIP, "CLIP-L (pooled) + T5-XXL (token states)")};
  loader.schema.comfy_class_types = {"DualCLIPLoader"};
  loader.run = dual_clip_loader;
  loader.estimate = estimate_dual_clip_loader;
  reg.add(std::move(loader));

  NodeDef enc;
  enc.schema.type = "CLIPTextEncodeFlux";
  enc.schema.category = "conditioning";
  enc.schema.description =
      "FLUX prompt encoding: clip_l text to CLIP-L (pooled output), t5xxl text to T5-XXL (token states), and the "
      "guidance the dev model embeds (schnell ignores it).";
  enc.schema.inputs = {port("clip", T::CLIP), port("clip_l", T::STRING, "prompt for CLIP-L"),
                       port("t5xxl", T::STRING, "prompt for T5-XXL"),
                       float_param("guidance", 3.5, 0.0, 100.0, "distilled guidance scale (FLUX dev)")};
  enc.schema.outputs = {output("conditioning", T::CONDITIONING)};
  enc.schema.comfy_class_types = {"CLIPTextEncodeFlux"};
  enc.schema.devices = {"cpu", "vulkan"};
  enc.run = clip_text_encode_flux;
  enc.estimate = estimate_encode_flux;
  reg.add(std::move(enc));
}

}  // namespace vkflow::nodes
