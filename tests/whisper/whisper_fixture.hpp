#pragma once
// The whisper_tiny fixture as the tests use it (see tests/data/whisper/extract.py): the model
// opened from the whisper.cpp .bin and from an HF folder written from the same weights, and
// the reference tensors.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"
#include "tests/whisper/hf_folder.hpp"

namespace vkflow::test {

inline const formats::SafetensorsFile& whisper_io() {
  static const auto f = formats::SafetensorsFile::open(data_dir() / "whisper" / "whisper_tiny_io.safetensors");
  return f;
}

inline std::vector<float> whisper_mel_short() {
  static const auto f = formats::SafetensorsFile::open(data_dir() / "dsp" / "whisper_mel_short.safetensors");
  return f.read_f32("mel_short");
}

inline std::vector<int32_t> whisper_tokens(const std::string& name) {
  std::vector<int32_t> out;
  for (float v : whisper_io().read_f32(name)) out.push_back(static_cast<int32_t>(v));
  return out;
}

// The whisper.cpp fixture model, committed xz-packed (ggml-model-f16.bin.tar.xz, unpacked when
// CMake configures).
inline std::filesystem::path whisper_tiny_bin() { return data_dir() / "whisper" / "ggml-model-f16.bin"; }

// The fixture's HF folder as the tests rebuild it (tests/whisper/hf_folder.hpp).
inline void write_whisper_tiny_hf(const formats::ModelFile& bin, const std::filesystem::path& dir) {
  write_whisper_hf_folder(bin, data_dir() / "whisper" / "hf",
                          data_dir() / "formats" / "fixture_heads" / "whisper_tiny__hf__model.safetensors.head", dir);
}

// "bin" or "hf".
inline const formats::ModelFile& whisper_tiny(const std::string& layout) {
  static const formats::ModelFile bin = formats::ModelFile::open(whisper_tiny_bin());
  if (layout == "bin") return bin;
  static const formats::ModelFile hf = [] {
    const auto dir = scratch_dir("whisper_tiny_hf");
    write_whisper_tiny_hf(bin, dir);
    return formats::ModelFile::open(dir);
  }();
  return hf;
}

inline double max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  double m = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) m = std::max(m, std::fabs(double(a[i]) - b[i]));
  return a.size() == b.size() ? m : INFINITY;
}

inline double max_abs(const std::vector<float>& a) {
  double m = 0;
  for (float v : a) m = std::max(m, std::fabs(double(v)));
  return m;
}

}  // namespace vkflow::test
