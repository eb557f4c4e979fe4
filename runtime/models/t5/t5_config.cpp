#include "runtime/models/t5/t5_config.hpp"

#include <cctype>
#include <set>

#include "runtime/core/error.hpp"

namespace vkflow::models {
namespace {

const Shape& shape_of(const formats::ModelFile& m, const std::string& name, size_t rank) {
  const formats::WeightInfo& w = m.at(name);
  if (w.shape.size() != rank)
    throw FormatError(m.describe(), name + ": rank " + std::to_string(w.shape.size()) + ", expected " + std::to_string(rank));
  return w.shape;
}

int64_t count_blocks(const formats::ModelFile& m, const std::string& head) {
  std::set<int64_t> seen;
  for (const auto& w : m.weights()) {
    if (w.name.compare(0, head.size(), head) != 0) continue;
    size_t j = head.size();
    while (j < w.name.size() && std::isdigit(static_cast<unsigned char>(w.name[j]))) ++j;
    if (j > head.size() && j < w.name.size() && w.name[j] == '.') seen.insert(std::stoll(w.name.substr(head.size(), j - head.size())));
  }
  // Blocks must be 0..n-1: a gap means a truncated or mixed-up file.
  if (!seen.empty() && *seen.rbegin() != static_cast<int64_t>(seen.size()) - 1) return -1;
  return static_cast<int64_t>(seen.size());
}

void expect(const formats::ModelFile& m, const std::string& name, const Shape& want) {
  const formats::WeightInfo& w = m.at(name);
  if (w.shape != want) throw FormatError(m.describe(), name + ": shape " + to_string(w.shape) + ", expected " + to_string(want));
}

}  // namespace

std::string t5_prefix_in(const formats::ModelFile& m) {
  const auto& d = m.detection();
  if (d.arch != formats::arch::kT5) throw FormatError(m.describe(), "holds no T5 encoder (detected " + d.arch + ")");
  return "";  // canonical names are already relative to the detected prefix
}

T5Config t5_config(const formats::ModelFile& m, const std::string& prefix, const T5Options& opt) {
  T5Config c;
  const std::string b0 = prefix + t5names::block(0);
  const Shape& emb = shape_of(m, prefix + t5names::kShared, 2);
  c.vocab = emb[0];
  c.d_model = emb[1];
  c.inner = shape_of(m, b0 + "layer.0.SelfAttention.q.weight", 2)[0];
  const Shape& rel = shape_of(m, prefix + t5names::kRelBias, 2);
  c.heads = rel[1];
  c.buckets = rel[0];
  c.gated = m.find(b0 + "layer.1.DenseReluDense.wi_0.weight") != nullptr;
  c.d_ff = shape_of(m, b0 + (c.gated ? "layer.1.DenseReluDense.wi_0.weight" : "layer.1.DenseReluDense.wi.weight"), 2)[0];
  c.layers = count_blocks(m, prefix + "encoder.block.");
  if (c.layers <= 0) throw FormatError(m.describe(), prefix + "encoder.block.N: blocks missing or not numbered 0..n-1");
  if (c.heads <= 0 || c.inner % c.heads != 0)
    throw FormatError(m.describe(), prefix + t5names::kRelBias + ": " + std::to_string(c.heads) +
                                        " heads do not split the attention width " + std::to_string(c.inner));

  const nlohmann::json& meta = m.metadata();
  const nlohmann::json cfg = meta.contains("config") && meta["config"].is_object() ? meta["config"] : nlohmann::json::object();
  auto cfg_int = [&](const char* key, int64_t fallback) {
    return cfg.contains(key) && cfg[key].is_number_integer() ? cfg[key].get<int64_t>() : fallback;
  };
  c.max_distance = opt.max_distance.value_or(cfg_int("relative_attention_max_distance", 128));
  if (opt.buckets && *opt.buckets != c.buckets)
    throw FormatError(m.describe(), prefix + t5names::kRelBias + ": " + std::to_string(c.buckets) + " buckets stored, " +
                                        std::to_string(*opt.buckets) + " requested");
  if (cfg.contains("layer_norm_epsilon") && cfg["layer_norm_epsilon"].is_number())
    c.eps = cfg["layer_norm_epsilon"].get<float>();
  if (c.max_distance <= 0 || c.buckets < 4)
    throw FormatError(m.describe(), "T5 relative attention: " + std::to_string(c.buckets) + " buckets, max distance " +
                                        std::to_string(c.max_distance));

  // Every block's shapes, so a bad file fails here, not in the middle of a forward.
  for (int64_t i = 0; i < c.layers; ++i) {
    const std::string b = prefix + t5names::block(i);
    for (const char* p : {"q", "k", "v"}) expect(m, b + "layer.0.SelfAttention." + p + ".weight", {c.inner, c.d_model});
    expect(m, b + "layer.0.SelfAttention.o.weight", {c.d_model, c.inner});
    expect(m, b + "layer.0.layer_norm.weight", {c.d_model});
    expect(m, b + "layer.1.layer_norm.weight", {c.d_model});
    if (c.gated) {
      expect(m, b + "layer.1.DenseReluDense.wi_0.weight", {c.d_ff, c.d_model});
      expect(m, b + "layer.1.DenseReluDense.wi_1.weight", {c.d_ff, c.d_model});
    } else {
      expect(m, b + "layer.1.DenseReluDense.wi.weight", {c.d_ff, c.d_model});
    }
    expect(m, b + "layer.1.DenseReluDense.wo.weight", {c.d_model, c.d_ff});
  }
  expect(m, prefix + t5names::kFinalNorm, {c.d_model});
  return c;
}

}  // namespace vkflow::models
