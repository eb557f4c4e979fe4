// ImageScale / ImageInvert: pixel operations on IMAGE batches (runtime/media).
#include <cmath>

#include "nodes/inputs.hpp"
#include "nodes/media_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"
#include "runtime/media/image_scale.hpp"
#include "scheduler/cancel.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

Values image_scale(RunContext& ctx) {
  const auto& img = input_as<ImageValue>(ctx, "image", T::IMAGE).image;
  auto method = media::parse_scale_method(input_string(ctx, "upscale_method"));
  int64_t w = input_int(ctx, "width"), h = input_int(ctx, "height");
  bool center = input_string(ctx, "crop") == "center";
  // ComfyUI: a zero side keeps the aspect ratio; both zero leaves the image as it is.
  if (w == 0 && h == 0) return {{"image", input_value(ctx, "image")}};
  if (w == 0) w = std::max<int64_t>(1, std::llround(double(img.width) * h / img.height));
  if (h == 0) h = std::max<int64_t>(1, std::llround(double(img.height) * w / img.width));
  media::Image src = center ? media::center_crop_to_aspect(img, int(w), int(h)) : img;
  auto out = media::scale_image(src, int(w), int(h), method, [&](int64_t done, int64_t total) {
    ctx.progress(done, total);
    if (ctx.cancelled()) throw scheduler::Cancelled();
  });
  return {{"image", make_value<ImageValue>(std::move(out))}};
}

Values image_invert(RunContext& ctx) {
  media::Image img = input_as<ImageValue>(ctx, "image", T::IMAGE).image;
  // Colour channels only: an alpha channel keeps its meaning.
  int colour = img.channels == 4 ? 3 : img.channels == 2 ? 1 : img.channels;
  for (size_t i = 0; i < img.data.size(); ++i)
    if (int(i % img.channels) < colour) img.data[i] = 1.0f - img.data[i];
  return {{"image", make_value<ImageValue>(std::move(img))}};
}

}  // namespace

VKFLOW_REGISTER_NODES(image_ops) {
  NodeDef scale;
  scale.schema.type = "ImageScale";
  scale.schema.category = "image";
  scale.schema.description = "Resizes images to width x height (0 keeps the aspect ratio from the other side); crop=center first crops to the target aspect ratio.";
  scale.schema.inputs = {
      port("image", T::IMAGE),
      choice_param("upscale_method", "nearest-exact", media::scale_method_names()),
      int_param("width", 512, 0, 16384, "target width in pixels (0 = from height and aspect)"),
      int_param("height", 512, 0, 16384, "target height in pixels (0 = from width and aspect)"),
      choice_param("crop", "disabled", {"disabled", "center"})};
  scale.schema.outputs = {output("image", T::IMAGE)};
  scale.schema.comfy_class_types = {"ImageScale"};
  scale.run = image_scale;
  reg.add(std::move(scale));

  NodeDef inv;
  inv.schema.type = "ImageInvert";
  inv.schema.category = "image";
  inv.schema.description = "1 - value for every colour channel (alpha is kept).";
  inv.schema.inputs = {port("image", T::IMAGE)};
  inv.schema.outputs = {output("image", T::IMAGE)};
  inv.schema.comfy_class_types = {"ImageInvert"};
  inv.run = image_invert;
  reg.add(std::move(inv));
}

}  // namespace vkflow::nodes
