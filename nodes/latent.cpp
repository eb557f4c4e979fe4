// EmptyLatentImage, SaveLatent and LoadLatent. Latent files are ComfyUI's: safetensors with
// "latent_tensor" (the stored latent, f32) and an empty "latent_format_version_0" marker;
// files without the marker hold latents scaled by 0.18215 (ComfyUI's old format).
#include "nodes/diffusion_estimates.hpp"
#include "nodes/inputs.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "nodes/workflow_export.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/formats/safetensors_write.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

int64_t multiple_of_8(const RunContext& ctx, const char* name) {
  const int64_t v = input_int(ctx, name);
  if (v <= 0 || v % 8 != 0)
    throw Error("input '" + std::string(name) + "': " + std::to_string(v) + " is not a positive multiple of 8 (latents are 1/8 of the image size)");
  return v;
}

Values empty_latent(RunContext& ctx) {
  const int64_t w = multiple_of_8(ctx, "width"), h = multiple_of_8(ctx, "height");
  const int64_t b = input_int(ctx, "batch_size");
  if (b < 1) throw Error("input 'batch_size': must be at least 1");
  HostTensor t{{b, 4, h / 8, w / 8}, {}};
  t.data.assign(static_cast<size_t>(numel(t.shape)), 0.0f);
  return {{"latent", make_value<LatentValue>(std::move(t))}};
}

Values save_latent(RunContext& ctx) {
  const auto& lat = input_as<LatentValue>(ctx, "samples", T::LATENT);
  const auto path = next_output_path(ctx.env.out_dir, input_string(ctx, "filename_prefix"), "latent");
  std::map<std::string, std::string> meta;
  if (ctx.env.workflow) meta["prompt"] = to_comfy_api(*ctx.env.workflow, Registry::instance(), ctx.env).dump();
  const std::vector<float> none;
  formats::write_safetensors_f32(path, {{"latent_tensor", lat.samples.shape, &lat.samples.data},
                                        {"latent_format_version_0", {0}, &none}}, meta);
  ctx.wrote_file(path);
  return {};
}

Values load_latent(RunContext& ctx) {
  const auto path = resolve_input_path(ctx.env, input_string(ctx, "latent"));
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw Error("input 'latent': file not found: " + path.string());
  const auto f = formats::SafetensorsFile::open(path);
  const formats::TensorInfo* t = nullptr;
  bool versioned = false;
  for (const auto& i : f.tensors()) {
    if (i.name == "latent_tensor") t = &i;
    versioned = versioned || i.name == "latent_format_version_0";
  }
  if (!t) throw FormatError(path.string(), "no 'latent_tensor' in the file (not a ComfyUI .latent file)");
  if (t->shape.size() != 4) throw FormatError(path.string(), "'latent_tensor' has shape " + to_string(t->shape) + ", expected [B, C, h, w]");
  HostTensor s{t->shape, f.read_f32(*t)};
  if (!versioned)
    for (float& v : s.data) v *= static_cast<float>(1.0 / 0.18215);
  return {{"latent", make_value<LatentValue>(std::move(s))}};
}

}  // namespace

VKFLOW_REGISTER_NODES(latent) {
  NodeDef empty;
  empty.schema.type = "EmptyLatentImage";
  empty.schema.category = "latent";
  empty.schema.description = "A zero latent for text-to-image: [batch, 4, height/8, width/8].";
  empty.schema.inputs = {int_param("width", 512, 16, 16384, "image width in pixels, a multiple of 8"),
                         int_param("height", 512, 16, 16384, "image height in pixels, a multiple of 8"),
                         int_param("batch_size", 1, 1, 4096, "images sampled together")};
  empty.schema.outputs = {output("latent", T::LATENT)};
  empty.schema.comfy_class_types = {"EmptyLatentImage"};
  empty.run = empty_latent;
  empty.estimate = estimate_empty_latent;
  reg.add(std::move(empty));

  NodeDef save;
  save.schema.type = "SaveLatent";
  save.schema.category = "latent";
  save.schema.description = "Writes the latent as <out>/<prefix>_NNNNN_.latent (ComfyUI's safetensors layout).";
  save.schema.inputs = {port("samples", T::LATENT), string_param("filename_prefix", "latents/vkflow", "file name prefix")};
  save.schema.output_node = true;
  save.schema.comfy_class_types = {"SaveLatent"};
  save.run = save_latent;
  save.estimate = estimate_save_latent;
  reg.add(std::move(save));

  NodeDef load;
  load.schema.type = "LoadLatent";
  load.schema.category = "latent";
  load.schema.description = "Reads a ComfyUI .latent file (safetensors with 'latent_tensor').";
  load.schema.inputs = {path_param("latent", "path of the .latent file")};
  load.schema.outputs = {output("latent", T::LATENT)};
  load.schema.comfy_class_types = {"LoadLatent"};
  load.run = load_latent;
  load.estimate = estimate_load_latent;
  reg.add(std::move(load));
}

}  // namespace vkflow::nodes
