// CheckpointLoaderSimple: one SD1.x checkpoint file (.safetensors, .ckpt, .gguf, or a model
// folder ModelFile reads) -> MODEL, CLIP and VAE handles. Only headers are read here; each
// consumer loads the weights it needs on its own device (model_values.hpp).
#include <filesystem>

#include "nodes/diffusion_estimates.hpp"
#include "nodes/inputs.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "nodes/sd15_handles.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

Values load_checkpoint(RunContext& ctx) {
  const std::filesystem::path path = input_string(ctx, "ckpt_name");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("input 'ckpt_name': checkpoint not found: " + path.string());
  Sd15Checkpoint c;
  try {
    c = open_sd15_checkpoint(path);
  } catch (const FormatError& e) {
    throw FormatError("input 'ckpt_name'", e.what());
  }
  return {{"model", make_value<ModelValue>(c.model)},
          {"clip", make_value<ClipValue>(c.clip, -1)},
          {"vae", make_value<VaeValue>(c.vae)}};
}

}  // namespace

VKFLOW_REGISTER_NODES(checkpoint_loader) {
  NodeDef d;
  d.schema.type = "CheckpointLoaderSimple";
  d.schema.category = "loaders";
  d.schema.description = "Opens an SD1.x checkpoint (.safetensors, .ckpt, .gguf or a model folder); weights load on the device of the node that uses them.";
  graph::InputSpec ckpt = port("ckpt_name", T::STRING, "checkpoint file name (models/checkpoints/) or path");
  ckpt.model_folder = "checkpoints";
  d.schema.inputs = {ckpt};
  d.schema.outputs = {output("model", T::MODEL, "the denoising UNet"), output("clip", T::CLIP, "the text encoder"),
                      output("vae", T::VAE, "the autoencoder")};
  d.schema.comfy_class_types = {"CheckpointLoaderSimple"};
  d.run = load_checkpoint;
  d.estimate = estimate_checkpoint_loader;
  reg.add(std::move(d));
}

}  // namespace vkflow::nodes
