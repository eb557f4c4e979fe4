#pragma once
// Estimate hooks of the FLUX nodes (see diffusion_estimates.hpp for the metadata conventions):
// the loaders read headers only and pass {"file", "family": "flux" | "vae", "prefix"} on.
#include "nodes/estimate.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::nodes {

Estimate estimate_unet_loader(EstimateContext& ctx);        // "unet_name"
Estimate estimate_flux_passthrough(EstimateContext& ctx);   // FluxGuidance, ModelSamplingFlux
Estimate estimate_empty_sd3_latent(EstimateContext& ctx);   // "width", "height", "batch_size"
// KSampler on a FLUX model: the DiT's footprint for the latent and the text length.
std::vector<models::Footprint> flux_sampler_footprints(const models::ModelHeader& h, const std::vector<int64_t>& latent,
                                                       int64_t txt_tokens, bool cfg, int steps, EstimateContext& ctx);

}  // namespace vkflow::nodes
