#pragma once
// Writes an HF-layout Whisper folder (config.json + model.safetensors under transformers'
// names) from an opened model, so the HF loading path is tested on the same weights as the
// whisper.cpp .bin without committing a second copy of them.
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "runtime/formats/model_file.hpp"

namespace vkflow::test {

inline void replace_all_in(std::string& s, std::string_view from, std::string_view to) {
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
}

// openai-whisper canonical name -> transformers WhisperForConditionalGeneration name.
inline std::string whisper_hf_name(std::string s) {
  if (s == "encoder.positional_embedding") return "model.encoder.embed_positions.weight";
  if (s == "decoder.positional_embedding") return "model.decoder.embed_positions.weight";
  if (s == "decoder.token_embedding.weight") return "model.decoder.embed_tokens.weight";
  if (s.starts_with("encoder.ln_post.")) return "model.encoder.layer_norm." + s.substr(16);
  if (s.starts_with("decoder.ln.")) return "model.decoder.layer_norm." + s.substr(11);
  static const std::pair<const char*, const char*> kParts[] = {
      {".blocks.", ".layers."},   {".cross_attn_ln.", ".encoder_attn_layer_norm."},
      {".cross_attn.", ".encoder_attn."}, {".attn_ln.", ".self_attn_layer_norm."},
      {".attn.", ".self_attn."},  {".mlp_ln.", ".final_layer_norm."},
      {".query.", ".q_proj."},    {".key.", ".k_proj."},
      {".value.", ".v_proj."},    {".out.", ".out_proj."},
      {".mlp.0.", ".fc1."},       {".mlp.2.", ".fc2."},
  };
  for (auto& [a, b] : kParts) replace_all_in(s, a, b);
  return "model." + s;
}

inline void write_whisper_hf_folder(const formats::ModelFile& m, const std::filesystem::path& config,
                                    const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(config, dir / "config.json", std::filesystem::copy_options::overwrite_existing);
  nlohmann::json header = nlohmann::json::object();
  std::string blob;
  std::vector<uint8_t> scratch;
  for (const auto& w : m.weights()) {
    if (w.name == "mel_filters") continue;
    if (w.dtype != DType::F16 && w.dtype != DType::F32) throw std::runtime_error("unexpected dtype for " + w.name);
    const auto bytes = m.bytes(w, scratch);
    header[whisper_hf_name(w.name)] = {{"dtype", w.dtype == DType::F16 ? "F16" : "F32"},
                                       {"shape", w.shape},
                                       {"data_offsets", {blob.size(), blob.size() + bytes.size()}}};
    blob.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  std::string h = header.dump();
  h.append((8 - h.size() % 8) % 8, ' ');
  const uint64_t n = h.size();
  std::ofstream f(dir / "model.safetensors", std::ios::binary | std::ios::trunc);
  f.write(reinterpret_cast<const char*>(&n), 8);
  f.write(h.data(), static_cast<std::streamsize>(h.size()));
  f.write(blob.data(), static_cast<std::streamsize>(blob.size()));
}

}  // namespace vkflow::test
