// Whisper's mel filterbanks, read from the embedded assets/whisper/mel_filters.safetensors
// (mel_80 [80,201], mel_128 [128,201], float32).
#include <cstring>
#include <mutex>

#include <nlohmann/json.hpp>

#include "runtime/assets/embedded_assets.hpp"
#include "runtime/core/error.hpp"
#include "runtime/dsp/whisper_mel.hpp"

namespace vkflow::dsp {

namespace {
std::vector<float> load(size_t n_mels) {
  const std::string where = "embedded whisper/mel_filters.safetensors";
  const std::string_view blob = assets::get("whisper/mel_filters.safetensors");
  uint64_t header_len = 0;
  if (blob.size() < 8) throw FormatError(where, "too short");
  std::memcpy(&header_len, blob.data(), 8);
  if (header_len > blob.size() - 8) throw FormatError(where, "header length out of range");
  const auto header = nlohmann::json::parse(blob.substr(8, header_len));
  const std::string name = "mel_" + std::to_string(n_mels);
  if (!header.contains(name)) throw FormatError(where, "no tensor " + name);
  const auto& t = header[name];
  const auto shape = t.at("shape").get<std::vector<size_t>>();
  const auto off = t.at("data_offsets").get<std::vector<size_t>>();
  const size_t bins = kWhisperNfft / 2 + 1;
  if (t.at("dtype") != "F32" || shape != std::vector<size_t>{n_mels, bins} || off.size() != 2 ||
      off[1] - off[0] != n_mels * bins * 4 || 8 + header_len + off[1] > blob.size())
    throw FormatError(where, name + " is not float32 [" + std::to_string(n_mels) + ", 201]");
  std::vector<float> f(n_mels * bins);
  std::memcpy(f.data(), blob.data() + 8 + header_len + off[0], f.size() * 4);
  return f;
}
}  // namespace

const std::vector<float>& whisper_mel_filters(size_t n_mels) {
  if (n_mels != 80 && n_mels != 128)
    throw Error("whisper mel filters exist for 80 or 128 bands, not " + std::to_string(n_mels));
  static std::once_flag once80, once128;
  static std::vector<float> f80, f128;
  if (n_mels == 80) {
    std::call_once(once80, [] { f80 = load(80); });
    return f80;
  }
  std::call_once(once128, [] { f128 = load(128); });
  return f128;
}

}  // namespace vkflow::dsp
