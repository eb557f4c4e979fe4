// LoadImage / SaveImage: PNG files in and out (libpng via runtime/media/png_io).
#include "nodes/inputs.hpp"
#include "nodes/media_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "nodes/workflow_export.hpp"
#include "runtime/media/png_io.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

Values load_image(RunContext& ctx) {
  auto path = resolve_input_path(ctx.env, input_string(ctx, "image"));
  media::PngFile f = media::read_png(path);
  // Nodes see RGB like ComfyUI's LoadImage; the alpha channel becomes the mask.
  media::Image mask = media::mask_from_alpha(f.image);
  media::Image rgb = media::with_channels(f.image, 3);
  return {{"image", make_value<ImageValue>(std::move(rgb))}, {"mask", make_value<MaskValue>(std::move(mask))}};
}

// Text chunks: "prompt" = the executed workflow in ComfyUI API format (what `vkflow run
// image.png` re-runs, and what ComfyUI shows), "workflow" = the document as it was read,
// "parameters" = this node's own inputs.
std::vector<media::PngText> metadata(const RunContext& ctx) {
  std::vector<media::PngText> t;
  if (ctx.env.workflow) {
    t.push_back({"prompt", to_comfy_api(*ctx.env.workflow, Registry::instance(), ctx.env).dump()});
    if (!ctx.env.workflow->original.is_null()) t.push_back({"workflow", ctx.env.workflow->original.dump()});
  }
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [name, v] : ctx.node.inputs)
    if (auto* lit = std::get_if<nlohmann::json>(&v)) params[name] = *lit;
  t.push_back({"parameters", params.dump()});
  return t;
}

Values save_image(RunContext& ctx) {
  const auto& img = input_as<ImageValue>(ctx, "images", T::IMAGE).image;
  const std::string& prefix = input_string(ctx, "filename_prefix");
  auto text = metadata(ctx);
  for (int b = 0; b < img.batch; ++b) {
    if (ctx.cancelled()) return {};  // the executor raises Cancelled; nothing partial exists
    auto path = next_output_path(ctx.env.out_dir, prefix, "png");
    media::write_png(path, img, b, text);
    ctx.wrote_file(path);
    ctx.progress(b + 1, img.batch);
  }
  return {};
}

}  // namespace

VKFLOW_REGISTER_NODES(image_io) {
  NodeDef load;
  load.schema.type = "LoadImage";
  load.schema.category = "image";
  load.schema.description = "Reads a PNG (any bit depth or colour type) as an RGB image; the alpha channel becomes the mask (1 = transparent).";
  load.schema.inputs = {path_param("image", "path of the PNG file (relative: current folder, then the workflow's folder)")};
  load.schema.outputs = {output("image", T::IMAGE, "RGB, float in [0, 1]"),
                         output("mask", T::MASK, "1 - alpha (zeros when the file has no alpha)")};
  load.schema.comfy_class_types = {"LoadImage"};
  load.run = load_image;
  reg.add(std::move(load));

  NodeDef save;
  save.schema.type = "SaveImage";
  save.schema.category = "image";
  save.schema.description = "Writes each image of the batch as <out>/<prefix>_NNNNN_.png (8-bit) with the workflow embedded in text chunks.";
  save.schema.inputs = {
      port("images", T::IMAGE),
      string_param("filename_prefix", "vkflow", "file name prefix; may include subfolders of the output folder")};
  save.schema.output_node = true;
  save.schema.comfy_class_types = {"SaveImage"};
  save.run = save_image;
  reg.add(std::move(save));
}

}  // namespace vkflow::nodes
