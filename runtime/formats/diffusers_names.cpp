#include "runtime/formats/diffusers_names.hpp"

#include <algorithm>
#include <utility>

namespace vkflow::formats {
namespace {

// Consumes `lit` from the front of `s`.
bool take(std::string_view& s, std::string_view lit) {
  if (!s.starts_with(lit)) return false;
  s.remove_prefix(lit.size());
  return true;
}

// Consumes "<digits>." from the front of `s`.
bool take_index(std::string_view& s, int& v) {
  size_t i = 0;
  v = 0;
  while (i < s.size() && i < 6 && s[i] >= '0' && s[i] <= '9') v = v * 10 + (s[i++] - '0');
  if (i == 0 || i >= s.size() || s[i] != '.') return false;
  s.remove_prefix(i + 1);
  return true;
}

// The first matching (diffusers part -> LDM part) renaming of the front of `rest`; `rest` unchanged if none.
template <size_t N>
std::string rename_front(std::string_view rest, const std::pair<const char*, const char*> (&table)[N]) {
  for (auto& [from, to] : table)
    if (rest.starts_with(from)) return std::string(to) + std::string(rest.substr(std::string_view(from).size()));
  return std::string(rest);
}

std::string unet_resnet(std::string_view rest) {
  static const std::pair<const char*, const char*> k[] = {
      {"norm1.", "in_layers.0."},  {"conv1.", "in_layers.2."},  {"time_emb_proj.", "emb_layers.1."},
      {"norm2.", "out_layers.0."}, {"conv2.", "out_layers.3."}, {"conv_shortcut.", "skip_connection."}};
  return rename_front(rest, k);
}

std::string vae_resnet(std::string_view rest) {
  static const std::pair<const char*, const char*> k[] = {{"conv_shortcut.", "nin_shortcut."}};
  return rename_front(rest, k);
}

// Both attention namings diffusers has used for the VAE's mid block.
std::string vae_attention(std::string_view rest) {
  static const std::pair<const char*, const char*> k[] = {
      {"group_norm.", "norm."}, {"to_q.", "q."},   {"to_k.", "k."},   {"to_v.", "v."}, {"to_out.0.", "proj_out."},
      {"query.", "q."},         {"key.", "k."},    {"value.", "v."},  {"proj_attn.", "proj_out."}};
  return rename_front(rest, k);
}

std::optional<std::string> unet_name(std::string_view s, const DiffusersLayout& l) {
  const int per = l.unet_layers_per_block + 1;  // LDM blocks per level: resnets + the down/upsampler slot
  static const std::pair<const char*, const char*> kWhole[] = {
      {"time_embedding.linear_1.", "time_embed.0."}, {"time_embedding.linear_2.", "time_embed.2."},
      {"conv_in.", "input_blocks.0.0."},             {"conv_norm_out.", "out.0."},
      {"conv_out.", "out.2."}};
  for (auto& [from, to] : kWhole)
    if (s.starts_with(from)) return std::string(to) + std::string(s.substr(std::string_view(from).size()));
  int i = 0, j = 0;
  std::string_view r = s;
  if (take(r, "down_blocks.") && take_index(r, i)) {
    if (take(r, "resnets.") && take_index(r, j)) return "input_blocks." + std::to_string(per * i + j + 1) + ".0." + unet_resnet(r);
    if (take(r, "attentions.") && take_index(r, j)) return "input_blocks." + std::to_string(per * i + j + 1) + ".1." + std::string(r);
    if (take(r, "downsamplers.0.conv.")) return "input_blocks." + std::to_string(per * (i + 1)) + ".0.op." + std::string(r);
    return std::nullopt;
  }
  r = s;
  if (take(r, "mid_block.")) {
    if (take(r, "resnets.") && take_index(r, j)) return "middle_block." + std::to_string(2 * j) + "." + unet_resnet(r);
    if (take(r, "attentions.0.")) return "middle_block.1." + std::string(r);
    return std::nullopt;
  }
  r = s;
  if (take(r, "up_blocks.") && take_index(r, i)) {
    if (take(r, "resnets.") && take_index(r, j)) return "output_blocks." + std::to_string(per * i + j) + ".0." + unet_resnet(r);
    if (take(r, "attentions.") && take_index(r, j)) return "output_blocks." + std::to_string(per * i + j) + ".1." + std::string(r);
    if (take(r, "upsamplers.0.conv.")) {
      int slot = l.unet_up_with_attention.count(i) ? 2 : 1;  // after the resnet and, if any, the attention
      return "output_blocks." + std::to_string(per * i + l.unet_layers_per_block) + "." + std::to_string(slot) + ".conv." + std::string(r);
    }
  }
  return std::nullopt;
}

std::optional<std::string> vae_name(std::string_view s, const DiffusersLayout& l) {
  std::string_view r = s;
  std::string side;
  if (take(r, "encoder.")) side = "encoder.";
  else if (take(r, "decoder.")) side = "decoder.";
  else if (s.starts_with("quant_conv.") || s.starts_with("post_quant_conv.")) return std::string(s);
  else return std::nullopt;
  if (r.starts_with("conv_in.") || r.starts_with("conv_out.")) return side + std::string(r);
  if (take(r, "conv_norm_out.")) return side + "norm_out." + std::string(r);
  int i = 0, j = 0;
  std::string_view b = r;
  if (take(b, "mid_block.")) {
    if (take(b, "resnets.") && take_index(b, j)) return side + "mid.block_" + std::to_string(j + 1) + "." + vae_resnet(b);
    if (take(b, "attentions.0.")) return side + "mid.attn_1." + vae_attention(b);
    return std::nullopt;
  }
  b = r;
  if (side == "encoder." && take(b, "down_blocks.") && take_index(b, i)) {
    if (take(b, "resnets.") && take_index(b, j)) return side + "down." + std::to_string(i) + ".block." + std::to_string(j) + "." + vae_resnet(b);
    if (take(b, "downsamplers.0.conv.")) return side + "down." + std::to_string(i) + ".downsample.conv." + std::string(b);
    return std::nullopt;
  }
  b = r;
  if (side == "decoder." && take(b, "up_blocks.") && take_index(b, i) && i < l.vae_up_blocks) {
    const std::string level = std::to_string(l.vae_up_blocks - 1 - i);  // LDM counts up blocks from the bottom
    if (take(b, "resnets.") && take_index(b, j)) return side + "up." + level + ".block." + std::to_string(j) + "." + vae_resnet(b);
    if (take(b, "upsamplers.0.conv.")) return side + "up." + level + ".upsample.conv." + std::string(b);
  }
  return std::nullopt;
}

}  // namespace

void scan_diffusers_names(std::string_view component, std::string_view name, DiffusersLayout& l) {
  int i = 0, j = 0;
  std::string_view r = name;
  if (component == "unet") {
    if (take(r, "down_blocks.0.resnets.") && take_index(r, j)) l.unet_layers_per_block = std::max(l.unet_layers_per_block, j + 1);
    r = name;
    if (take(r, "up_blocks.") && take_index(r, i) && r.starts_with("attentions.")) l.unet_up_with_attention.insert(i);
  } else if (component == "vae") {
    if (take(r, "decoder.up_blocks.") && take_index(r, i)) l.vae_up_blocks = std::max(l.vae_up_blocks, i + 1);
  }
}

std::optional<std::string> ldm_name_from_diffusers(std::string_view component, std::string_view name, Shape& shape,
                                                   const DiffusersLayout& layout) {
  if (component == "unet") {
    auto n = unet_name(name, layout);
    return n ? std::optional<std::string>("model.diffusion_model." + *n) : std::nullopt;
  }
  if (component == "vae") {
    auto n = vae_name(name, layout);
    if (!n) return std::nullopt;
    // LDM's mid-block attention projects with 1x1 convs where diffusers uses linears.
    if (n->find(".mid.attn_1.") != std::string::npos && n->ends_with(".weight") && shape.size() == 2 &&
        n->find(".norm.") == std::string::npos)
      shape = {shape[0], shape[1], 1, 1};
    return "first_stage_model." + *n;
  }
  if (component == "text_encoder" && name.starts_with("text_model."))
    return "cond_stage_model.transformer." + std::string(name);
  return std::nullopt;
}

}  // namespace vkflow::formats
