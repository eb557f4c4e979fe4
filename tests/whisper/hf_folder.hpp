#pragma once
// Rebuilds the whisper_tiny fixture's HF folder (transformers' save_pretrained output) from the
// committed small files: config and tokenizer files from tests/data/whisper/hf/, and
// model.safetensors as the real file's own header (tests/data/formats/fixture_heads/) followed by
// the weights taken from the whisper.cpp .bin, which holds the same fp16 values. The 7 MB
// weights are then committed once, in the .bin; the rebuilt file is byte-identical to the
// fixture's (kWhisperTinyHfModelFnv1a checks it).
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "runtime/core/convert.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::test {

// FNV-1a (64 bit) of shared/fixtures/whisper_tiny/hf/model.safetensors (7420016 bytes).
inline constexpr uint64_t kWhisperTinyHfModelFnv1a = 0x9be0ffffb3d23cdeull;

inline uint64_t fnv1a_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  uint64_t h = 0xcbf29ce484222325ull;
  for (char c; f.get(c);) h = (h ^ static_cast<uint8_t>(c)) * 0x100000001b3ull;
  return h;
}

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

// `head`: the real model.safetensors' first bytes (length field + JSON header). Every tensor it
// names must be in `bin` with the same element count; all are stored F16.
inline void write_whisper_hf_folder(const formats::ModelFile& bin, const std::filesystem::path& files,
                                    const std::filesystem::path& head, const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  fs::create_directories(dir);
  for (const auto& e : fs::directory_iterator(files))
    if (e.is_regular_file() && !e.path().string().ends_with(".tar.xz"))
      fs::copy_file(e.path(), dir / e.path().filename(), fs::copy_options::overwrite_existing);
  std::ifstream hf(head, std::ios::binary);
  std::string out((std::istreambuf_iterator<char>(hf)), std::istreambuf_iterator<char>());
  uint64_t n = 0;
  if (out.size() < 8) throw std::runtime_error(head.string() + ": too short");
  std::memcpy(&n, out.data(), 8);
  if (out.size() != 8 + n) throw std::runtime_error(head.string() + ": not a safetensors header");
  const auto header = nlohmann::json::parse(out.substr(8));
  std::map<std::string, const formats::WeightInfo*> by_hf_name;
  for (const auto& w : bin.weights()) by_hf_name[whisper_hf_name(w.name)] = &w;
  for (const auto& [name, t] : header.items()) {
    if (name == "__metadata__") continue;
    const auto it = by_hf_name.find(name);
    if (it == by_hf_name.end()) throw std::runtime_error(name + " is not in the .bin");
    if (t.at("dtype") != "F16") throw std::runtime_error(name + ": expected F16");
    const auto values = bin.read_f32(it->second->name);
    const size_t begin = t.at("data_offsets")[0], end = t.at("data_offsets")[1];
    if (end - begin != values.size() * 2) throw std::runtime_error(name + ": size differs from the .bin");
    if (out.size() < 8 + n + end) out.resize(8 + n + end);
    for (size_t i = 0; i < values.size(); ++i) {
      const uint16_t h = f32_to_f16(values[i]);
      std::memcpy(out.data() + 8 + n + begin + 2 * i, &h, 2);
    }
  }
  std::ofstream f(dir / "model.safetensors", std::ios::binary | std::ios::trunc);
  f.write(out.data(), static_cast<std::streamsize>(out.size()));
}

}  // namespace vkflow::test
