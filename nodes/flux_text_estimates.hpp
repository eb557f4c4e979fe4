#pragma once
// Estimate hooks of FLUX's text side: DualCLIPLoader (type flux) and encoding with the dual
// CLIP (CLIPTextEncodeFlux, and CLIPTextEncode when its clip input is a FLUX one). The CLIP
// output metadata is {"family": "flux", "clip_l": path, "t5xxl": path}.
#include <string>

#include "nodes/estimate.hpp"

namespace vkflow::nodes {

Estimate estimate_dual_clip_loader(EstimateContext& ctx);  // "clip_name1", "clip_name2", "type"
// Both encoders on the target device, one variant per way T5 can run (whole, streamed).
// Texts that are unknown at plan time (linked inputs) count as one unweighted 256-token row.
Estimate estimate_flux_text_encode(EstimateContext& ctx, const nlohmann::json& clip_meta, const nlohmann::json& clip_text,
                                   const nlohmann::json& t5_text);
// True when a CLIP input's metadata is a FLUX dual CLIP.
bool is_flux_clip(const nlohmann::json& clip_meta);

}  // namespace vkflow::nodes
