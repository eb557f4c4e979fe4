// VAEDecode, VAEDecodeTiled and VAEEncode: stored latents <-> IMAGE through the VAE handle.
// VAEDecode decodes in tiles when the planner chose a tiled variant (options "tile",
// "overlap" in latent pixels) because the whole decode would not fit.
#include "nodes/diffusion_estimates.hpp"
#include "nodes/inputs.hpp"
#include "nodes/media_values.hpp"
#include "nodes/model_values.hpp"
#include "nodes/node.hpp"
#include "nodes/schema_builders.hpp"

namespace vkflow::nodes {
namespace {

namespace T = graph::types;

Values decode_with(RunContext& ctx, std::optional<ImageAutoencoder::Tiling> tiling) {
  const auto& lat = input_as<LatentValue>(ctx, "samples", T::LATENT);
  const ImageAutoencoder& vae = *input_as<VaeValue>(ctx, "vae", T::VAE).vae;
  if (lat.samples.shape.size() != 4 || lat.samples.shape[1] != vae.latent_channels())
    throw Error("input 'samples': latent " + to_string(lat.samples.shape) + " does not fit this VAE (" +
                std::to_string(vae.latent_channels()) + " channels)");
  return {{"image", make_value<ImageValue>(vae.decode(lat.samples, ctx.device, tiling))}};
}

Values vae_decode(RunContext& ctx) {
  const nlohmann::json& o = ctx.options;
  const int64_t tile = o.is_object() ? o.value("tile", int64_t{0}) : 0;
  if (tile > 0) return decode_with(ctx, ImageAutoencoder::Tiling{tile, o.value("overlap", int64_t{8})});
  return decode_with(ctx, std::nullopt);
}

Values vae_decode_tiled(RunContext& ctx) {
  int64_t tile = input_int(ctx, "tile_size"), overlap = input_int(ctx, "overlap");
  if (tile < overlap * 4) overlap = tile / 4;  // ComfyUI keeps the overlap under a quarter tile
  const int64_t f = input_as<VaeValue>(ctx, "vae", T::VAE).vae->downscale();
  if (tile / f < 1) throw Error("input 'tile_size': " + std::to_string(tile) + " is smaller than one latent pixel");
  return decode_with(ctx, ImageAutoencoder::Tiling{tile / f, overlap / f});
}

// ComfyUI's vae_encode_crop_pixels: centre-crop each side to a multiple of the downscale.
media::Image crop_to_multiple(const media::Image& im, int f) {
  const int h = im.height / f * f, w = im.width / f * f;
  if (h == im.height && w == im.width) return im;
  const int oy = (im.height % f) / 2, ox = (im.width % f) / 2;
  media::Image out(im.batch, h, w, im.channels);
  for (int b = 0; b < im.batch; ++b)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x)
        for (int c = 0; c < im.channels; ++c) out.at(b, y, x, c) = im.at(b, y + oy, x + ox, c);
  return out;
}

Values vae_encode(RunContext& ctx) {
  const auto& img = input_as<ImageValue>(ctx, "pixels", T::IMAGE).image;
  const ImageAutoencoder& vae = *input_as<VaeValue>(ctx, "vae", T::VAE).vae;
  const int f = static_cast<int>(vae.downscale());
  if (img.height < f || img.width < f)
    throw Error("input 'pixels': a " + std::to_string(img.width) + "x" + std::to_string(img.height) +
                " image is smaller than one latent pixel");
  if (img.channels < 3) throw Error("input 'pixels': needs an RGB image, got " + std::to_string(img.channels) + " channel(s)");
  return {{"latent", make_value<LatentValue>(vae.encode(crop_to_multiple(img, f), ctx.device))}};
}

}  // namespace

VKFLOW_REGISTER_NODES(vae) {
  NodeDef dec;
  dec.schema.type = "VAEDecode";
  dec.schema.category = "latent";
  dec.schema.description = "Decodes a latent to an image in [0, 1] (tiled automatically when the whole decode would not fit).";
  dec.schema.inputs = {port("samples", T::LATENT), port("vae", T::VAE)};
  dec.schema.outputs = {output("image", T::IMAGE)};
  dec.schema.comfy_class_types = {"VAEDecode"};
  dec.schema.devices = {"cpu", "vulkan"};
  dec.run = vae_decode;
  dec.estimate = estimate_vae_decode;
  reg.add(std::move(dec));

  NodeDef tiled;
  tiled.schema.type = "VAEDecodeTiled";
  tiled.schema.category = "latent";
  tiled.schema.description = "Decodes in overlapping tiles, blended with feathered weights so no seams show (less memory).";
  tiled.schema.inputs = {port("samples", T::LATENT), port("vae", T::VAE),
                         int_param("tile_size", 512, 64, 4096, "tile side in image pixels"),
                         int_param("overlap", 64, 0, 4096, "pixels shared by neighbouring tiles (at most tile_size/4)"),
                         int_param("temporal_size", 64, 8, 4096, "video VAEs only; unused by image VAEs"),
                         int_param("temporal_overlap", 8, 4, 4096, "video VAEs only; unused by image VAEs")};
  tiled.schema.outputs = {output("image", T::IMAGE)};
  tiled.schema.comfy_class_types = {"VAEDecodeTiled"};
  tiled.schema.devices = {"cpu", "vulkan"};
  tiled.run = vae_decode_tiled;
  tiled.estimate = estimate_vae_decode;
  reg.add(std::move(tiled));

  NodeDef enc;
  enc.schema.type = "VAEEncode";
  enc.schema.category = "latent";
  enc.schema.description = "Encodes an image to a latent (the posterior mean; sides cropped to multiples of 8), for image-to-image.";
  enc.schema.inputs = {port("pixels", T::IMAGE), port("vae", T::VAE)};
  enc.schema.outputs = {output("latent", T::LATENT)};
  enc.schema.comfy_class_types = {"VAEEncode"};
  enc.schema.devices = {"cpu", "vulkan"};
  enc.run = vae_encode;
  enc.estimate = estimate_vae_encode;
  reg.add(std::move(enc));
}

}  // namespace vkflow::nodes
