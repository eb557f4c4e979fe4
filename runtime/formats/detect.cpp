#include "runtime/formats/detect.hpp"

#include <set>
#include <unordered_map>

namespace vkflow::formats {
namespace {

class Names {
 public:
  explicit Names(const std::vector<TensorInfo>& ts) {
    for (auto& t : ts) by_name_[t.name] = &t;
  }
  const TensorInfo* get(const std::string& n) const {
    auto it = by_name_.find(n);
    return it == by_name_.end() ? nullptr : it->second;
  }
  bool has(const std::string& n) const { return get(n) != nullptr; }
  // The prefix P such that P + suffix is a stored name (shortest wins); nullopt if none.
  std::optional<std::string> prefix_of(const std::string& suffix) const {
    std::optional<std::string> best;
    for (auto& [n, t] : by_name_)
      if (n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) {
        std::string p = n.substr(0, n.size() - suffix.size());
        if ((p.empty() || p.back() == '.') && (!best || p.size() < best->size())) best = p;
      }
    return best;
  }
  int64_t dim(const std::string& n, size_t i) const {
    auto* t = get(n);
    return t && t->shape.size() > i ? t->shape[i] : -1;
  }
  // Number of distinct indices N in names "<head>N.<rest>".
  int count(const std::string& head) const {
    std::set<int> seen;
    for (auto& [n, t] : by_name_)
      if (n.compare(0, head.size(), head) == 0) {
        size_t i = head.size(), j = i;
        while (j < n.size() && std::isdigit(static_cast<unsigned char>(n[j]))) ++j;
        if (j > i && j < n.size() && n[j] == '.') seen.insert(std::stoi(n.substr(i, j - i)));
      }
    return static_cast<int>(seen.size());
  }

 private:
  std::unordered_map<std::string, const TensorInfo*> by_name_;
};

std::string whisper_size(int layers, int64_t state) {
  static const struct { int l; int64_t s; const char* n; } k[] = {
      {4, 384, "tiny"}, {6, 512, "base"}, {12, 768, "small"}, {24, 1024, "medium"}, {32, 1280, "large"}};
  for (auto& e : k)
    if (e.l == layers && e.s == state) return e.n;
  return "custom";
}

void whisper_variant(Detection& d, int64_t n_mels, int64_t n_vocab, int enc_layers, int dec_layers, int64_t state) {
  d.arch = arch::kWhisper;
  d.variant["n_mels"] = n_mels;
  d.variant["n_vocab"] = n_vocab;
  d.variant["multilingual"] = n_vocab >= 51865;
  d.variant["encoder_layers"] = enc_layers;
  d.variant["decoder_layers"] = dec_layers;
  d.variant["d_model"] = state;
  std::string size = whisper_size(enc_layers, state);
  if (size == "large" && dec_layers == 4) size = "large-v3-turbo";
  else if (size == "large" && n_mels == 128) size = "large-v3";
  d.variant["size"] = size;
}

}  // namespace

Detection detect(const std::vector<TensorInfo>& tensors, const nlohmann::json& meta, std::string_view format) {
  Detection d;
  Names n(tensors);

  if (format == "whisper-ggml") {
    d.layout = "ggml";
    whisper_variant(d, meta.value("n_mels", 0), meta.value("n_vocab", 0), meta.value("n_audio_layer", 0),
                    meta.value("n_text_layer", 0), meta.value("n_audio_state", 0));
    d.variant["ftype"] = meta.value("ftype", 0);
    return d;
  }
  // SD single file (LDM names).
  if (n.has("model.diffusion_model.input_blocks.0.0.weight")) {
    d.arch = arch::kSd15;
    d.layout = "ldm";
    int64_t ctx = n.dim("model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight", 1);
    d.variant["in_channels"] = n.dim("model.diffusion_model.input_blocks.0.0.weight", 1);
    d.variant["model_channels"] = n.dim("model.diffusion_model.input_blocks.0.0.weight", 0);
    d.variant["context_dim"] = ctx;
    d.variant["inpainting"] = n.dim("model.diffusion_model.input_blocks.0.0.weight", 1) == 9;
    bool sdxl = n.prefix_of("conditioner.embedders.0.transformer.text_model.embeddings.token_embedding.weight").has_value() ||
                n.has("model.diffusion_model.label_emb.0.0.weight");
    bool sd2 = n.has("cond_stage_model.model.token_embedding.weight") || ctx == 1024;
    d.variant["family"] = sdxl ? "sdxl" : sd2 ? "sd2" : "sd1";
    if (sdxl || sd2) d.problems.push_back(std::string(sdxl ? "SDXL" : "SD2") + " checkpoints are not supported (only SD1.x)");
    d.variant["has_vae"] = n.has("first_stage_model.decoder.conv_in.weight");
    d.variant["has_text_encoder"] = n.has("cond_stage_model.transformer.text_model.embeddings.token_embedding.weight");
    return d;
  }
  // FLUX transformer, BFL names, optionally under model.diffusion_model. (stable-diffusion.cpp).
  if (auto p = n.prefix_of("double_blocks.0.img_attn.qkv.weight")) {
    d.arch = arch::kFlux;
    d.prefix = *p;
    d.layout = p->empty() ? "bfl" : "bfl-prefixed";
    const std::string& P = *p;
    d.variant["hidden_size"] = n.dim(P + "img_in.weight", 0);
    d.variant["in_channels"] = n.dim(P + "img_in.weight", 1);
    d.variant["context_dim"] = n.dim(P + "txt_in.weight", 1);
    d.variant["vec_dim"] = n.dim(P + "vector_in.in_layer.weight", 1);
    d.variant["double_blocks"] = n.count(P + "double_blocks.");
    d.variant["single_blocks"] = n.count(P + "single_blocks.");
    bool guidance = n.has(P + "guidance_in.in_layer.weight");
    d.variant["guidance_embed"] = guidance;
    d.variant["flavor"] = guidance ? "dev" : "schnell";
    if (meta.contains("general.architecture")) d.variant["gguf_architecture"] = meta["general.architecture"];
    return d;
  }
  if (n.has("transformer_blocks.0.attn.to_q.weight") && n.has("single_transformer_blocks.0.attn.to_q.weight")) {
    d.arch = arch::kFlux;
    d.layout = "diffusers";
    d.problems.push_back("diffusers-layout FLUX transformers are not supported; use the BFL single file (flux1-*.safetensors) or a GGUF");
    return d;
  }
  if (n.has("conv_in.weight") && n.has("down_blocks.0.resnets.0.conv1.weight") && n.has("time_embedding.linear_1.weight")) {
    d.arch = arch::kSd15;
    d.layout = "diffusers";
    d.problems.push_back("diffusers-layout UNet weights are recognised but not mapped yet; use the single-file checkpoint");
    return d;
  }
  // RVC voice (weights dict of a process_ckpt .pth, or the same as safetensors).
  if (auto p = n.prefix_of("enc_p.emb_phone.weight"); p && n.prefix_of("dec.conv_pre.weight") == p) {
    d.arch = arch::kRvc;
    d.prefix = *p;
    d.layout = "rvc";
    int64_t phone = n.dim(*p + "enc_p.emb_phone.weight", 1);
    d.variant["version"] = phone == 768 ? "v2" : phone == 256 ? "v1" : "unknown";
    d.variant["phone_dim"] = phone;
    d.variant["f0"] = n.has(*p + "enc_p.emb_pitch.weight");
    d.variant["speakers"] = n.dim(*p + "emb_g.weight", 0);
    d.variant["upsample_layers"] = n.count(*p + "dec.ups.");
    for (const char* k : {"sr", "version", "f0", "info"})
      if (meta.contains(k)) d.variant[std::string("ckpt_") + k] = meta[k];
    if (meta.contains("config")) d.variant["ckpt_config"] = meta["config"];
    if (phone != 768 && phone != 256) d.problems.push_back("RVC phone embedding width " + std::to_string(phone) + " is neither v1 (256) nor v2 (768)");
    return d;
  }
  // HuBERT / ContentVec (transformers HubertModel names, as Applio ships them).
  if (auto p = n.prefix_of("feature_extractor.conv_layers.0.conv.weight"); p && n.prefix_of("encoder.layers.0.attention.k_proj.weight")) {
    d.arch = arch::kHubert;
    d.prefix = *p;
    d.layout = "hf";
    d.variant["hidden_size"] = n.dim(*p + "feature_projection.projection.weight", 0);
    d.variant["layers"] = n.count(*p + "encoder.layers.");
    d.variant["conv_layers"] = n.count(*p + "feature_extractor.conv_layers.");
    d.variant["final_proj_dim"] = n.prefix_of("final_proj.weight") ? n.dim(*n.prefix_of("final_proj.weight") + "final_proj.weight", 0) : 0;
    return d;
  }
  if (n.has("feature_extractor.conv_layers.0.0.weight") && n.has("encoder.pos_conv.0.weight_g")) {
    d.arch = arch::kHubert;
    d.layout = "fairseq";
    d.problems.push_back("fairseq HuBERT checkpoints are not supported; use Applio's contentvec pytorch_model.bin");
    return d;
  }
  if (n.has("unet.encoder.bn.weight") && n.has("fc.0.gru.weight_ih_l0")) {
    d.arch = arch::kRmvpe;
    d.layout = "rvc";
    d.variant["gru_hidden"] = n.dim("fc.0.gru.weight_hh_l0", 1);
    d.variant["n_classes"] = n.dim("fc.1.weight", 0);
    d.variant["encoder_layers"] = n.count("unet.encoder.layers.");
    return d;
  }
  if (n.has("model.encoder.conv1.weight") && n.has("model.decoder.embed_tokens.weight")) {
    d.layout = "hf";
    whisper_variant(d, n.dim("model.encoder.conv1.weight", 1), n.dim("model.decoder.embed_tokens.weight", 0),
                    n.count("model.encoder.layers."), n.count("model.decoder.layers."), n.dim("model.encoder.conv1.weight", 0));
    return d;
  }
  if (n.has("encoder.conv1.weight") && n.has("decoder.token_embedding.weight")) {
    d.layout = "openai";
    whisper_variant(d, n.dim("encoder.conv1.weight", 1), n.dim("decoder.token_embedding.weight", 0),
                    n.count("encoder.blocks."), n.count("decoder.blocks."), n.dim("encoder.conv1.weight", 0));
    return d;
  }
  if (auto p = n.prefix_of("encoder.block.0.layer.0.SelfAttention.q.weight")) {
    d.arch = arch::kT5;
    d.prefix = *p;
    d.layout = "hf";
    d.variant["d_model"] = n.dim(*p + "encoder.block.0.layer.0.SelfAttention.q.weight", 1);
    d.variant["layers"] = n.count(*p + "encoder.block.");
    d.variant["d_ff"] = n.dim(*p + "encoder.block.0.layer.1.DenseReluDense.wi_0.weight", 0);
    d.variant["gated"] = n.has(*p + "encoder.block.0.layer.1.DenseReluDense.wi_1.weight");
    if (!n.has(*p + "shared.weight") && !n.has(*p + "encoder.embed_tokens.weight"))
      d.problems.push_back("T5 encoder without token embeddings (shared.weight)");
    return d;
  }
  if (n.has("enc.blk.0.attn_q.weight") && n.has("enc.blk.0.attn_rel_b.weight")) {
    // llama.cpp's T5 encoder naming (city96's t5-v1_1-xxl-encoder-*.gguf); mapped to HF names.
    d.arch = arch::kT5;
    d.layout = "gguf-llama";
    d.variant["d_model"] = n.dim("enc.blk.0.attn_q.weight", 1);
    d.variant["layers"] = n.count("enc.blk.");
    d.variant["d_ff"] = n.dim("enc.blk.0.ffn_up.weight", 0);
    d.variant["gated"] = n.has("enc.blk.0.ffn_gate.weight");
    if (!n.has("token_embd.weight")) d.problems.push_back("T5 encoder without token embeddings (token_embd.weight)");
    return d;
  }
  if (auto p = n.prefix_of("text_model.encoder.layers.0.self_attn.q_proj.weight")) {
    d.arch = arch::kClip;
    d.prefix = *p;
    d.layout = p->empty() ? "hf" : "hf-prefixed";
    int64_t h = n.dim(*p + "text_model.embeddings.token_embedding.weight", 1);
    d.variant["hidden_size"] = h;
    d.variant["layers"] = n.count(*p + "text_model.encoder.layers.");
    d.variant["kind"] = h == 1280 ? "clip_g" : h == 1024 ? "open_clip_h" : "clip_l";
    d.variant["has_projection"] = n.has(*p + "text_projection.weight");
    return d;
  }
  if (auto p = n.prefix_of("decoder.conv_in.weight"); p && n.prefix_of("decoder.mid.attn_1.q.weight") == p) {
    int64_t z = n.dim(*p + "decoder.conv_in.weight", 1);
    d.arch = z == 16 ? arch::kFluxAe : arch::kSdVae;
    d.prefix = *p;
    d.layout = "ldm";
    d.variant["z_channels"] = z;
    d.variant["has_encoder"] = n.has(*p + "encoder.conv_in.weight");
    d.variant["has_quant_conv"] = n.has(*p + "quant_conv.weight");
    return d;
  }
  d.problems.push_back("no known architecture matches these tensor names");
  return d;
}

}  // namespace vkflow::formats
