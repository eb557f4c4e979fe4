#include "nodes/flux_text_estimates.hpp"

#include <algorithm>

#include "nodes/diffusion_estimates.hpp"
#include "runtime/core/error.hpp"
#include "runtime/models/text_encoder_estimate.hpp"
#include "runtime/text/weighted_chunks.hpp"

namespace vkflow::nodes {
namespace {

using nlohmann::json;

std::string path_in(const EstimateContext& ctx, const char* name) {
  return ctx.inputs.contains(name) && ctx.inputs[name].is_string() ? ctx.inputs[name].get<std::string>() : std::string();
}

const models::ModelHeader& header(const std::string& path, const char* input) {
  try {
    return cached_model_header(path);
  } catch (const FormatError& err) {
    throw FormatError(std::string("input '") + input + "'", err.what());
  }
}

}  // namespace

bool is_flux_clip(const json& meta) { return meta.is_object() && meta.value("family", "") == "flux"; }

Estimate estimate_dual_clip_loader(EstimateContext& ctx) {
  Estimate e;
  Footprint f;
  f.device = ctx.target;
  e.variants.push_back(f);
  const std::string type = ctx.inputs.value("type", "flux");
  if (type != "flux") throw Unsupported("input 'type': DualCLIPLoader type '" + type + "' is not supported (only flux)");
  const std::string a = path_in(ctx, "clip_name1"), b = path_in(ctx, "clip_name2");
  if (a.empty() || b.empty()) return e;
  json out = {{"family", "flux"}};
  for (const auto& [path, input] : {std::pair{a, "clip_name1"}, std::pair{b, "clip_name2"}}) {
    const models::ModelHeader& h = header(path, input);
    const char* role = h.arch == "clip_text" ? "clip_l" : h.arch == "t5_encoder" ? "t5xxl" : nullptr;
    if (!role)
      throw FormatError(std::string("input '") + input + "'",
                        path + " is neither a CLIP-L nor a T5 text encoder (detected " + h.arch + ")");
    if (out.contains(role))
      throw FormatError(std::string("input '") + input + "'", std::string("both files are ") + role + " encoders");
    out[role] = path;
  }
  e.outputs["clip"] = out;
  return e;
}

Estimate estimate_flux_text_encode(EstimateContext& ctx, const json& meta, const json& clip_text, const json& t5_text) {
  // T5 rows and tokens from the text when it is known (weights add the empty prompt's row).
  int64_t tokens = 256, rows = 1;
  if (t5_text.is_string()) {
    const auto t = text::t5_tokenize_with_weights(text::T5Tokenizer::embedded(), t5_text.get<std::string>(), 256);
    tokens = static_cast<int64_t>(t.size());
    rows = std::any_of(t.begin(), t.end(), [](const auto& w) { return w.weight != 1.0; }) ? 2 : 1;
  }
  (void)clip_text;  // CLIP-L always encodes one 77-token chunk
  const models::ModelHeader& clip = header(meta.at("clip_l").get<std::string>(), "clip");
  const models::ModelHeader& t5 = header(meta.at("t5xxl").get<std::string>(), "clip");
  const int64_t d_model = t5.at("encoder.block.0.layer.0.SelfAttention.q.weight").shape[1];
  const int64_t pooled = clip.at("text_model.embeddings.token_embedding.weight").shape[1];
  const uint64_t out = static_cast<uint64_t>(tokens * d_model + pooled) * 4;

  const Footprint c = models::clip_text_estimate(clip, "text_model.", {77, 1, ctx.activation_bytes}, ctx.target).front();
  Estimate e;
  for (Footprint f : models::t5_encoder_estimate(t5, "", {tokens, static_cast<int>(rows), ctx.activation_bytes}, ctx.target)) {
    // The encoders run one after the other; both stay loaded for the node's lifetime.
    f.weights.insert(f.weights.begin(), c.weights.begin(), c.weights.end());
    f.peak_bytes = std::max(f.peak_bytes, c.peak_bytes) + out;
    f.largest_alloc = std::max(f.largest_alloc, c.largest_alloc);
    f.flops += c.flops;
    f.bytes_moved += c.bytes_moved;
    f.label = "clip_l + t5 " + f.label;
    e.variants.push_back(std::move(f));
  }
  e.output_bytes = out;
  e.outputs["conditioning"] = {{"tokens", tokens}};
  return e;
}

}  // namespace vkflow::nodes
