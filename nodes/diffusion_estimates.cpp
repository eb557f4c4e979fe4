#include "nodes/diffusion_estimates.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <numeric>

#include "nodes/flux_estimates.hpp"
#include "nodes/flux_text_estimates.hpp"
#include "nodes/inputs.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/models/sd15_estimate.hpp"
#include "runtime/models/text_encoder_estimate.hpp"
#include "runtime/models/vae_estimate.hpp"
#include "runtime/text/weighted_chunks.hpp"

namespace vkflow::nodes {
namespace {

using nlohmann::json;

const json& in(const EstimateContext& ctx, const char* name) { return ctx.input(name); }

int64_t int_in(const EstimateContext& ctx, const char* name, int64_t def) {
  const json& v = in(ctx, name);
  return v.is_number() ? v.get<int64_t>() : def;
}

// [B, C, h, w] of a LATENT input's metadata, empty when unknown.
std::vector<int64_t> latent_shape(const json& meta) {
  if (!meta.is_object() || !meta.contains("shape") || !meta["shape"].is_array() || meta["shape"].size() != 4) return {};
  return meta["shape"].get<std::vector<int64_t>>();
}

uint64_t f32_bytes(const std::vector<int64_t>& shape) {
  if (shape.empty()) return 0;
  uint64_t n = 4;
  for (int64_t d : shape) n *= static_cast<uint64_t>(std::max<int64_t>(d, 0));
  return n;
}

// A node with no device work of note: `scratch` bytes while it runs, `out` bytes of outputs.
Estimate light(const EstimateContext& ctx, uint64_t out, uint64_t scratch) {
  Estimate e;
  Footprint f;
  f.device = ctx.target;
  f.peak_bytes = scratch;
  f.largest_alloc = std::max(out, scratch);
  f.bytes_moved = static_cast<double>(out);
  e.variants.push_back(f);
  e.output_bytes = out;
  return e;
}

// The model handle metadata of input `name` with its header, or nullptr when unknown.
const models::ModelHeader* header_of(const EstimateContext& ctx, const char* name, json* meta_out = nullptr) {
  const json& meta = in(ctx, name);
  if (!meta.is_object() || !meta.contains("file")) return nullptr;
  if (meta_out) *meta_out = meta;
  return &cached_model_header(meta["file"].get<std::string>());
}

Estimate with_variants(const EstimateContext& ctx, std::vector<Footprint> v, uint64_t out_bytes, uint64_t scratch) {
  Estimate e = light(ctx, out_bytes, 0);
  e.variants = std::move(v);
  for (auto& f : e.variants) f.peak_bytes += scratch;
  return e;
}

bool second_order(const std::string& sampler) {
  static const std::vector<std::string> two = {"heun", "dpm_2", "dpm_2_ancestral", "dpmpp_2s_ancestral", "dpmpp_sde",
                                               "dpmpp_sde_gpu", "dpmpp_2m_sde_heun"};
  return std::find(two.begin(), two.end(), sampler) != two.end();
}

}  // namespace

const models::ModelHeader& cached_model_header(const std::filesystem::path& path) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<models::ModelHeader>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[path.string()];
  if (!slot) slot = std::make_unique<models::ModelHeader>(models::read_model_header(path));
  return *slot;
}

Estimate estimate_checkpoint_loader(EstimateContext& ctx) {
  const json& name = in(ctx, "ckpt_name");
  Estimate e = light(ctx, 0, 0);
  if (!name.is_string()) return e;
  const std::string path = name.get<std::string>();
  const models::ModelHeader* hp = nullptr;
  try {
    hp = &cached_model_header(path);
  } catch (const FormatError& err) {
    throw FormatError("input 'ckpt_name'", err.what());
  }
  const models::ModelHeader& h = *hp;
  if (h.arch != "sd15") throw Error("input 'ckpt_name': " + path + " is not an SD1.x checkpoint (detected " + h.arch + ")");
  e.outputs["model"] = {{"file", path}, {"family", "sd15"}};
  e.outputs["clip"] = {{"file", path}, {"family", "sd15"}, {"prefix", "cond_stage_model.transformer.text_model."}};
  e.outputs["vae"] = {{"file", path}, {"family", "sd15"}, {"prefix", "first_stage_model."}};
  return e;
}

Estimate estimate_vae_loader(EstimateContext& ctx) {
  const json& name = in(ctx, "vae_name");
  Estimate e = light(ctx, 0, 0);
  if (!name.is_string()) return e;
  const std::string path = name.get<std::string>();
  const models::ModelHeader* h = nullptr;
  try {
    h = &cached_model_header(path);
  } catch (const FormatError& err) {
    throw FormatError("input 'vae_name'", err.what());
  }
  if (h->arch != "sd_vae" && h->arch != "flux_ae" && h->arch != "sd15")
    throw Error("input 'vae_name': " + path + " is not a VAE (detected " + h->arch + ")");
  e.outputs["vae"] = {{"file", path}, {"family", h->arch}, {"prefix", h->arch == "sd15" ? "first_stage_model." : ""}};
  return e;
}

Estimate estimate_clip_text_encode(EstimateContext& ctx) {
  if (is_flux_clip(in(ctx, "clip"))) return estimate_flux_text_encode(ctx, in(ctx, "clip"), in(ctx, "text"), in(ctx, "text"));
  json meta;
  const models::ModelHeader* h = header_of(ctx, "clip", &meta);
  int64_t chunks = 1, rows = 1;
  if (in(ctx, "text").is_string()) {
    const auto c = text::clip_tokenize_with_weights(text::ClipTokenizer::embedded(), in(ctx, "text").get<std::string>());
    chunks = static_cast<int64_t>(c.size());
    bool weighted = std::any_of(c.begin(), c.end(), [](const auto& ch) {
      return std::any_of(ch.begin(), ch.end(), [](const auto& t) { return t.weight != 1.0; });
    });
    rows = chunks + (weighted ? 1 : 0);
  }
  const uint64_t out = static_cast<uint64_t>(chunks) * 77 * 768 * 4;
  if (!h) return light(ctx, out, 0);
  models::TextEncodeRequest r;
  r.batch = static_cast<int>(rows);
  r.act_bytes = ctx.activation_bytes;
  Estimate e = with_variants(ctx, models::clip_text_estimate(*h, meta.value("prefix", ""), r, ctx.target), out, 0);
  e.outputs["conditioning"] = {{"tokens", chunks * 77}};
  return e;
}

Estimate estimate_clip_set_last_layer(EstimateContext& ctx) {
  Estimate e = light(ctx, 0, 0);
  if (in(ctx, "clip").is_object()) e.outputs["clip"] = in(ctx, "clip");
  return e;
}

Estimate estimate_empty_latent(EstimateContext& ctx) {
  const std::vector<int64_t> shape = {int_in(ctx, "batch_size", 1), 4, int_in(ctx, "height", 512) / 8,
                                      int_in(ctx, "width", 512) / 8};
  Estimate e = light(ctx, f32_bytes(shape), 0);
  e.outputs["latent"] = {{"shape", shape}};
  return e;
}

Estimate estimate_ksampler(EstimateContext& ctx) {
  json meta;
  const models::ModelHeader* h = header_of(ctx, "model", &meta);
  const std::vector<int64_t> shape = latent_shape(in(ctx, "latent_image"));
  const uint64_t bytes = f32_bytes(shape);
  // The sampler's host buffers: x, denoised, noise and the sampler's history (≤ 4 latents).
  Estimate e = light(ctx, bytes, 0);
  if (!shape.empty()) e.outputs["latent"] = {{"shape", shape}};
  if (!h || shape.empty()) return e;
  const std::string family = meta.value("family", "");
  if (family != "sd15" && family != "flux") throw Error("input 'model': no estimate for model family '" + family + "'");
  const int64_t default_tokens = family == "flux" ? 256 : 77;
  auto tokens = [&](const char* n) {
    return in(ctx, n).is_object() ? in(ctx, n).value("tokens", default_tokens) : default_tokens;
  };
  int64_t steps = int_in(ctx, "steps", 20);
  if (ctx.inputs.contains("end_at_step"))
    steps = std::max<int64_t>(0, std::min(steps, int_in(ctx, "end_at_step", steps)) - int_in(ctx, "start_at_step", 0));
  const std::string sampler = in(ctx, "sampler_name").is_string() ? in(ctx, "sampler_name").get<std::string>() : "euler";
  const bool cfg = !in(ctx, "cfg").is_number() || in(ctx, "cfg").get<double>() != 1.0;
  const int model_calls = static_cast<int>(std::max<int64_t>(1, steps) * (second_order(sampler) ? 2 : 1));
  if (family == "flux") {
    // Positive and negative texts may differ in length; the longer one bounds the forward.
    const int64_t txt = std::max(tokens("positive"), cfg ? tokens("negative") : int64_t{0});
    e = with_variants(ctx, flux_sampler_footprints(*h, shape, txt, cfg, model_calls, ctx), bytes, 0);
    e.outputs["latent"] = {{"shape", shape}};
    for (auto& f : e.variants) f.host_peak_bytes += 6 * bytes;
    return e;
  }
  models::UnetRequest r;
  r.batch = static_cast<int>(shape[0]);
  r.height = shape[2] * 8;
  r.width = shape[3] * 8;
  r.cfg = cfg;
  r.steps = model_calls;
  r.context_tokens = static_cast<int>(std::lcm(tokens("positive"), tokens("negative")));
  r.act_bytes = ctx.activation_bytes;
  e = with_variants(ctx, models::sd15_unet_estimate(*h, r, ctx.target), bytes, 0);
  e.outputs["latent"] = {{"shape", shape}};
  for (auto& f : e.variants) f.host_peak_bytes += 6 * bytes;
  return e;
}

Estimate estimate_vae_decode(EstimateContext& ctx) {
  json meta;
  const models::ModelHeader* h = header_of(ctx, "vae", &meta);
  const std::vector<int64_t> shape = latent_shape(in(ctx, "samples"));
  if (shape.empty()) return light(ctx, 0, 0);
  const std::vector<int64_t> img = {shape[0], shape[2] * 8, shape[3] * 8, 3};
  Estimate e = light(ctx, f32_bytes(img), 0);
  if (h) {
    models::VaeDecodeRequest r;
    r.batch = static_cast<int>(shape[0]);
    r.latent_h = shape[2];
    r.latent_w = shape[3];
    r.act_bytes = ctx.activation_bytes;
    if (ctx.inputs.contains("tile_size")) {  // VAEDecodeTiled: the user's tiles (ComfyUI's clamping)
      int64_t tile = int_in(ctx, "tile_size", 512), overlap = int_in(ctx, "overlap", 64);
      if (tile < overlap * 4) overlap = tile / 4;
      r.tile = tile / 8;
      r.overlap = overlap / 8;
    }
    e = with_variants(ctx, models::vae_decode_estimate(*h, meta.value("prefix", ""), r, ctx.target), f32_bytes(img), 0);
  }
  e.outputs["image"] = {{"shape", img}};
  return e;
}

Estimate estimate_vae_encode(EstimateContext& ctx) {
  json meta;
  const models::ModelHeader* h = header_of(ctx, "vae", &meta);
  const json& px = in(ctx, "pixels");
  if (!px.is_object() || !px.contains("shape") || px["shape"].size() != 4) return light(ctx, 0, 0);
  const auto img = px["shape"].get<std::vector<int64_t>>();
  const int64_t channels = meta.is_object() && meta.value("family", "") == "flux_ae" ? 16 : 4;
  const std::vector<int64_t> lat = {img[0], channels, img[1] / 8, img[2] / 8};
  Estimate e = light(ctx, f32_bytes(lat), 0);
  if (h && lat[2] > 0 && lat[3] > 0)
    e = with_variants(ctx,
                      {models::vae_encode_estimate(*h, meta.value("prefix", ""), img[0], img[1], img[2],
                                                   ctx.activation_bytes, ctx.target)},
                      f32_bytes(lat), 0);
  e.outputs["latent"] = {{"shape", lat}};
  return e;
}

Estimate estimate_save_latent(EstimateContext& ctx) {
  // Its copy of the latent for the file is a host std::vector, not a device allocation.
  Estimate e = light(ctx, 0, 0);
  e.variants[0].host_peak_bytes = f32_bytes(latent_shape(in(ctx, "samples")));
  return e;
}

Estimate estimate_load_latent(EstimateContext& ctx) {
  const json& v = in(ctx, "latent");
  Estimate e = light(ctx, 0, 0);
  if (!v.is_string()) return e;
  RunEnv env;
  env.workflow = ctx.workflow;
  std::error_code ec;
  const auto path = resolve_input_path(env, v.get<std::string>());
  if (!std::filesystem::exists(path, ec)) return e;  // reported when it runs
  const auto f = formats::SafetensorsFile::open(path);
  for (const auto& t : f.tensors())
    if (t.name == "latent_tensor" && t.shape.size() == 4) {
      e = light(ctx, f32_bytes(t.shape), 0);
      e.outputs["latent"] = {{"shape", t.shape}};
    }
  return e;
}

}  // namespace vkflow::nodes
