// CLIPTextEncode and CLIPSetLastLayer: prompts to CONDITIONING through the CLIP handle (77-token
// chunks, "(word:1.2)" weights and clip skip as ComfyUI; the encoder implements them).
#include "nodes/diffusion_estimates.hpp"
#include "nodes/inputs.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

Values clip_text_encode(RunContext& ctx) {
  const auto& clip = input_as<ClipValue>(ctx, "clip", T::CLIP);
  ConditioningEntry e = clip.encoder->encode(input_string(ctx, "text"), clip.last_layer, ctx.device);
  return {{"conditioning", make_value<ConditioningValue>(std::vector<ConditioningEntry>{std::move(e)})}};
}

Values clip_set_last_layer(RunContext& ctx) {
  const auto& clip = input_as<ClipValue>(ctx, "clip", T::CLIP);
  const int64_t layer = input_int(ctx, "stop_at_clip_layer");
  if (layer > -1 || layer < -24) throw Error("input 'stop_at_clip_layer': " + std::to_string(layer) + " is not in [-24, -1]");
  return {{"clip", make_value<ClipValue>(clip.encoder, static_cast<int>(layer))}};
}

}  // namespace

VKFLOW_REGISTER_NODES(conditioning) {
  NodeDef enc;
  enc.schema.type = "CLIPTextEncode";
  enc.schema.category = "conditioning";
  enc.schema.description = "Encodes a prompt with the CLIP text encoder: 77-token chunks, (word:1.2) emphasis, clip skip from CLIPSetLastLayer.";
  enc.schema.inputs = {port("text", T::STRING, "the prompt"), port("clip", T::CLIP)};
  enc.schema.outputs = {output("conditioning", T::CONDITIONING)};
  enc.schema.comfy_class_types = {"CLIPTextEncode"};
  enc.schema.devices = {"cpu", "vulkan"};
  enc.run = clip_text_encode;
  enc.estimate = estimate_clip_text_encode;
  reg.add(std::move(enc));

  NodeDef skip;
  skip.schema.type = "CLIPSetLastLayer";
  skip.schema.category = "conditioning";
  skip.schema.description = "Clip skip: the text encoder's output is taken from this layer (-1 = last, -2 = penultimate).";
  skip.schema.inputs = {port("clip", T::CLIP), int_param("stop_at_clip_layer", -1, -24, -1, "layer counted from the end")};
  skip.schema.outputs = {output("clip", T::CLIP)};
  skip.schema.comfy_class_types = {"CLIPSetLastLayer"};
  skip.run = clip_set_last_layer;
  skip.estimate = estimate_clip_set_last_layer;
  reg.add(std::move(skip));
}

}  // namespace vkflow::nodes
