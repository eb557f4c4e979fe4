#include "runtime/formats/canonical_names.hpp"

#include <utility>

namespace vkflow::formats {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

std::optional<std::string> whisper_from_hf(std::string s) {
  if (s == "proj_out.weight") return std::nullopt;  // tied to the token embedding
  if (!s.starts_with("model.")) return std::nullopt;
  s.erase(0, 6);
  static const std::pair<const char*, const char*> kWhole[] = {
      {"encoder.embed_positions.weight", "encoder.positional_embedding"},
      {"decoder.embed_positions.weight", "decoder.positional_embedding"},
      {"decoder.embed_tokens.weight", "decoder.token_embedding.weight"},
  };
  for (auto& [a, b] : kWhole)
    if (s == a) return std::string(b);
  if (s.starts_with("encoder.layer_norm.")) return "encoder.ln_post." + s.substr(19);
  if (s.starts_with("decoder.layer_norm.")) return "decoder.ln." + s.substr(19);
  replace_all(s, ".layers.", ".blocks.");
  static const std::pair<const char*, const char*> kParts[] = {
      {".self_attn_layer_norm.", ".attn_ln."}, {".encoder_attn_layer_norm.", ".cross_attn_ln."},
      {".final_layer_norm.", ".mlp_ln."},      {".self_attn.", ".attn."},
      {".encoder_attn.", ".cross_attn."},      {".q_proj.", ".query."},
      {".k_proj.", ".key."},                   {".v_proj.", ".value."},
      {".out_proj.", ".out."},                 {".fc1.", ".mlp.0."},
      {".fc2.", ".mlp.2."},
  };
  for (auto& [a, b] : kParts) replace_all(s, a, b);
  return s;
}

// llama.cpp's T5 names -> HF T5EncoderModel names (the gated FFN's gate is wi_0, up wi_1;
// without a gate, up is wi).
std::optional<std::string> t5_from_llama(std::string s, bool gated) {
  if (s == "token_embd.weight") return std::string("shared.weight");
  if (s == "enc.output_norm.weight") return std::string("encoder.final_layer_norm.weight");
  if (!s.starts_with("enc.blk.")) return std::nullopt;
  const size_t dot = s.find('.', 8);
  if (dot == std::string::npos) return std::nullopt;
  static const std::pair<const char*, const char*> kParts[] = {
      {"attn_q", "layer.0.SelfAttention.q"},       {"attn_k", "layer.0.SelfAttention.k"},
      {"attn_v", "layer.0.SelfAttention.v"},       {"attn_o", "layer.0.SelfAttention.o"},
      {"attn_rel_b", "layer.0.SelfAttention.relative_attention_bias"},
      {"attn_norm", "layer.0.layer_norm"},         {"ffn_norm", "layer.1.layer_norm"},
      {"ffn_gate", "layer.1.DenseReluDense.wi_0"}, {"ffn_up", "layer.1.DenseReluDense.wi_1"},
      {"ffn_down", "layer.1.DenseReluDense.wo"},
  };
  const std::string part = s.substr(dot + 1);
  if (!gated && part == "ffn_up.weight") return "encoder.block." + s.substr(8, dot - 8) + ".layer.1.DenseReluDense.wi.weight";
  for (auto& [a, b] : kParts)
    if (part == std::string(a) + ".weight") return "encoder.block." + s.substr(8, dot - 8) + "." + b + ".weight";
  return std::nullopt;
}

}  // namespace

std::optional<std::string> canonical_name(const Detection& d, std::string_view stored) {
  std::string s(stored);
  if (!d.prefix.empty()) {
    if (!s.starts_with(d.prefix)) return std::nullopt;
    s.erase(0, d.prefix.size());
  }
  if (d.arch == arch::kWhisper && d.layout == "hf") return whisper_from_hf(std::move(s));
  if (d.arch == arch::kT5 && d.layout == "gguf-llama") return t5_from_llama(std::move(s), d.variant.value("gated", true));
  if (d.arch == arch::kT5 && s == "encoder.embed_tokens.weight") return "shared.weight";
  return s;
}

}  // namespace vkflow::formats
