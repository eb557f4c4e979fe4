#pragma once
// Estimate hooks of the diffusion nodes (checkpoint loader, text encode, samplers, VAE,
// latents). Footprints come from runtime/models/*_estimate on the checkpoint's header; sizes
// travel downstream as output metadata:
//   MODEL / CLIP / VAE: {"file": path, "family": "sd15", "prefix": where the weights start}
//   LATENT: {"shape": [B, C, h, w]}         CONDITIONING: {"tokens": n}
// Weights are loaded by the consuming node on its device, so the loader itself holds none.
// Unknown sizes (an upstream node without metadata) give zero-byte estimates rather than
// errors, as the media nodes do; a file that is not what its input says is an error.
#include <filesystem>

#include "nodes/estimate.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::nodes {

Estimate estimate_checkpoint_loader(EstimateContext& ctx);  // "ckpt_name"
Estimate estimate_clip_text_encode(EstimateContext& ctx);   // "clip", "text"
Estimate estimate_clip_set_last_layer(EstimateContext& ctx);
Estimate estimate_empty_latent(EstimateContext& ctx);       // "width", "height", "batch_size"
Estimate estimate_ksampler(EstimateContext& ctx);           // "model", "latent_image", "steps", "cfg", ...
Estimate estimate_vae_decode(EstimateContext& ctx);         // "samples", "vae" (+ "tile_size", "overlap")
Estimate estimate_vae_encode(EstimateContext& ctx);         // "pixels", "vae"
Estimate estimate_save_latent(EstimateContext& ctx);        // "samples"
Estimate estimate_load_latent(EstimateContext& ctx);        // "latent": .latent file

// The checkpoint's header, read once per path (headers of multi-GB files are cheap but the
// planner asks for them from many nodes and device kinds).
const models::ModelHeader& cached_model_header(const std::filesystem::path& path);

}  // namespace vkflow::nodes
