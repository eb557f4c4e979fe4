#include "nodes/flux_estimates.hpp"

#include "nodes/diffusion_estimates.hpp"
#include "runtime/core/error.hpp"
#include "runtime/models/flux_estimate.hpp"

namespace vkflow::nodes {
namespace {

using nlohmann::json;

const json& in(const EstimateContext& ctx, const char* name) { return ctx.input(name); }

Estimate nothing(const EstimateContext& ctx, uint64_t out_bytes = 0) {
  Estimate e;
  models::Footprint f;
  f.device = ctx.target;
  f.largest_alloc = out_bytes;
  e.variants.push_back(f);
  e.output_bytes = out_bytes;
  return e;
}

// The header of the file named by input `name`, or nullptr when the name is not known yet.
const models::ModelHeader* header_for(const EstimateContext& ctx, const char* name, std::string* path) {
  const json& v = in(ctx, name);
  if (!v.is_string()) return nullptr;
  *path = v.get<std::string>();
  try {
    return &cached_model_header(*path);
  } catch (const FormatError& err) {
    throw FormatError("input '" + std::string(name) + "'", err.what());
  }
}

}  // namespace

Estimate estimate_unet_loader(EstimateContext& ctx) {
  Estimate e = nothing(ctx);
  std::string path;
  const models::ModelHeader* h = header_for(ctx, "unet_name", &path);
  if (!h) return e;
  if (h->arch != "flux") throw Error("input 'unet_name': " + path + " is not a FLUX transformer (detected " + h->arch + ")");
  e.outputs["model"] = {{"file", path}, {"family", "flux"}, {"prefix", ""}};
  return e;
}

Estimate estimate_flux_passthrough(EstimateContext& ctx) {
  Estimate e = nothing(ctx);
  for (const char* port : {"model", "conditioning"})
    if (in(ctx, port).is_object()) e.outputs[port] = in(ctx, port);
  return e;
}

Estimate estimate_empty_sd3_latent(EstimateContext& ctx) {
  auto num = [&](const char* n, int64_t def) { return in(ctx, n).is_number() ? in(ctx, n).get<int64_t>() : def; };
  const std::vector<int64_t> shape = {num("batch_size", 1), 16, num("height", 1024) / 8, num("width", 1024) / 8};
  Estimate e = nothing(ctx, static_cast<uint64_t>(4 * shape[0] * 16 * shape[2] * shape[3]));
  e.outputs["latent"] = {{"shape", shape}};
  return e;
}

std::vector<models::Footprint> flux_sampler_footprints(const models::ModelHeader& h, const std::vector<int64_t>& latent,
                                                       int64_t txt_tokens, bool cfg, int steps, EstimateContext& ctx) {
  models::FluxRequest r;
  r.batch = static_cast<int>(latent[0] * (cfg ? 2 : 1));
  r.height = latent[2] * 8;
  r.width = latent[3] * 8;
  r.txt_tokens = txt_tokens;
  r.steps = steps;
  r.act_bytes = ctx.activation_bytes;
  return models::flux_dit_estimate(h, r, ctx.target);
}

}  // namespace vkflow::nodes
