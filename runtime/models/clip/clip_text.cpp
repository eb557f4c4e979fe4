#include "runtime/models/clip/clip_text.hpp"

#include <algorithm>
#include <vector>

#include "runtime/models/common/layers.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/unary.hpp"

namespace vkflow::models {
namespace {

const std::string kTok = "text_model.embeddings.token_embedding.weight";
const std::string kPos = "text_model.embeddings.position_embedding.weight";

WeightUse clip_use(std::string_view name, const Shape& shape) {
  if (name == kTok) return WeightUse::Rows;
  if (name == kPos || shape.size() != 2) return WeightUse::F32;
  return WeightUse::Linear;
}

std::string layer_name(int i, const char* part) { return "text_model.encoder.layers." + std::to_string(i) + "." + part; }

ClipTextConfig infer_config(const WeightSet& w, const ClipTextOptions& opt) {
  ClipTextConfig c;
  c.vocab = weight_dim(w, kTok, 0);
  c.hidden = weight_dim(w, kTok, 1);
  c.max_positions = w.get(kPos).dim(0);
  w.get(kPos, {c.max_positions, c.hidden});
  c.layers = w.count("text_model.encoder.layers.");
  if (c.layers == 0) throw w.error("text_model.encoder.layers.0", "no transformer layers");
  c.intermediate = weight_dim(w, layer_name(0, "mlp.fc1.weight"), 0);
  if (const Tensor* p = w.find("text_projection.weight")) c.projection = p->dim(0);

  const nlohmann::json& meta = w.metadata();
  const nlohmann::json cfg = meta.contains("config") && meta["config"].is_object() ? meta["config"] : nlohmann::json::object();
  if (opt.heads) c.heads = *opt.heads;
  else if (cfg.contains("num_attention_heads") && cfg["num_attention_heads"].is_number_integer())
    c.heads = cfg["num_attention_heads"].get<int64_t>();
  else c.heads = metadata_int(meta, "vkflow.clip.num_heads", c.hidden % 64 == 0 ? c.hidden / 64 : 0, w.where());
  if (c.heads <= 0 || c.hidden % c.heads != 0)
    throw w.error(kTok, "cannot split width " + std::to_string(c.hidden) + " into attention heads (" +
                            std::to_string(c.heads) + "); give the head count");
  if (opt.act) c.act = *opt.act;
  else if (cfg.contains("hidden_act") && cfg["hidden_act"].is_string()) {
    const std::string a = cfg["hidden_act"];
    if (a == "gelu") c.act = ClipActivation::Gelu;
    else if (a != "quick_gelu") throw w.error("config.json hidden_act", "unsupported activation " + a);
  }
  if (opt.eos_token_id) c.eos_token_id = *opt.eos_token_id;
  else if (cfg.contains("eos_token_id") && cfg["eos_token_id"].is_number_integer())
    c.eos_token_id = cfg["eos_token_id"].get<int64_t>();
  return c;
}

}  // namespace

std::string ClipTextModel::prefix_in(const formats::ModelFile& m) {
  const auto& d = m.detection();
  if (d.arch == formats::arch::kSd15) return "cond_stage_model.transformer.";
  if (d.arch == formats::arch::kClip) return "";
  throw FormatError(m.describe(), "holds no CLIP text encoder (detected " + d.arch + ")");
}

uint64_t ClipTextModel::estimate_weight_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix) {
  return WeightSet::estimate_bytes(m, dev, prefix, clip_use);
}

ClipTextModel::ClipTextModel(const formats::ModelFile& m, Device& dev, const std::string& prefix, ClipTextOptions opt)
    : w_(WeightSet::load(m, dev, prefix, clip_use)), cfg_(infer_config(w_, opt)) {}

Tensor ClipTextModel::layer(int i, const Tensor& x) const {
  Tensor h = layer_norm(w_, layer_name(i, "layer_norm1"), x, cfg_.layer_norm_eps);
  {
    Tensor q = linear(w_, layer_name(i, "self_attn.q_proj"), h);
    Tensor k = linear(w_, layer_name(i, "self_attn.k_proj"), h);
    Tensor v = linear(w_, layer_name(i, "self_attn.v_proj"), h);
    h = multi_head_attention(q, k, v, static_cast<int>(cfg_.heads), /*causal=*/true);
  }
  Tensor r = ops::add(x, linear(w_, layer_name(i, "self_attn.out_proj"), h));
  h = layer_norm(w_, layer_name(i, "layer_norm2"), r, cfg_.layer_norm_eps);
  h = linear(w_, layer_name(i, "mlp.fc1"), h);
  h = cfg_.act == ClipActivation::QuickGelu ? ops::quick_gelu(h) : ops::gelu(h);
  return ops::add(r, linear(w_, layer_name(i, "mlp.fc2"), h));
}

ClipTextOutput ClipTextModel::encode(std::span<const int64_t> ids, int64_t batch, int hidden_from_end) const {
  if (batch <= 0 || ids.empty() || ids.size() % batch != 0)
    throw Error("clip text encoder: " + std::to_string(ids.size()) + " ids do not form " + std::to_string(batch) + " rows");
  const int64_t len = static_cast<int64_t>(ids.size()) / batch, d = cfg_.hidden;
  if (len > cfg_.max_positions)
    throw Error("clip text encoder: " + std::to_string(len) + " tokens exceed " + std::to_string(cfg_.max_positions) +
                " positions");
  if (hidden_from_end < 0 || hidden_from_end > cfg_.layers + 1)
    throw Error("clip text encoder: hidden_states[-" + std::to_string(hidden_from_end) + "] does not exist (" +
                std::to_string(cfg_.layers) + " layers)");
  for (int64_t id : ids)
    if (id < 0 || id >= cfg_.vocab) throw Error("clip text encoder: token id " + std::to_string(id) + " outside the vocabulary");
  Device& dev = w_.device();
  const std::vector<int32_t> ids32(ids.begin(), ids.end());
  Tensor id_t = Tensor::from_host(dev, DType::I32, {batch, len}, ids32.data());

  ClipTextOutput out;
  const int want = hidden_from_end > 0 ? static_cast<int>(cfg_.layers) + 1 - hidden_from_end : -1;  // index in hidden_states
  Tensor x = ops::add(ops::get_rows(w_.get(kTok), id_t), w_.get(kPos).slice0(0, len));
  for (int i = 0; i <= cfg_.layers; ++i) {
    if (i == want) out.hidden = x;
    if (i < cfg_.layers) x = layer(i, x);
  }
  out.last_hidden_state = layer_norm(w_, "text_model.final_layer_norm", x, cfg_.layer_norm_eps);
  if (out.hidden.defined())
    out.hidden_normed = want == cfg_.layers ? out.last_hidden_state
                                            : layer_norm(w_, "text_model.final_layer_norm", out.hidden, cfg_.layer_norm_eps);

  // Pooling rows (host side: the ids are here anyway).
  std::vector<int32_t> rows(batch);
  for (int64_t b = 0; b < batch; ++b) {
    auto row = ids.subspan(b * len, len);
    int64_t pos = 0;
    if (cfg_.eos_token_id == 2) pos = std::max_element(row.begin(), row.end()) - row.begin();
    else {
      auto it = std::find(row.begin(), row.end(), cfg_.eos_token_id);
      pos = it == row.end() ? 0 : it - row.begin();  // transformers: argmax of an all-false mask
    }
    rows[b] = static_cast<int32_t>(b * len + pos);
  }
  Tensor rows_t = Tensor::from_host(dev, DType::I32, {batch}, rows.data());
  out.pooled = ops::get_rows(out.last_hidden_state.view({batch * len, d}), rows_t);
  if (cfg_.projection) out.pooled_projected = ops::linear(out.pooled, w_.get("text_projection.weight"));
  return out;
}

}  // namespace vkflow::models
