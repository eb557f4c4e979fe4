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

}  // namespace

std::optional<std::string> canonical_name(const Detection& d, std::string_view stored) {
  std::string s(stored);
  if (!d.prefix.empty()) {
    if (!s.starts_with(d.prefix)) return std::nullopt;
    s.erase(0, d.prefix.size());
  }
  if (d.arch == arch::kWhisper && d.layout == "hf") return whisper_from_hf(std::move(s));
  if (d.arch == arch::kT5 && s == "encoder.embed_tokens.weight") return "shared.weight";
  return s;
}

}  // namespace vkflow::formats
