#pragma once
// Reads the sampler tensors copied into tests/data/samplers (see extract.py there).
#include <string>
#include <vector>

#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"

namespace vkflow::test {

inline const formats::SafetensorsFile& sd15_runs() {
  static const auto f =
      formats::SafetensorsFile::open(data_dir() / "samplers" / "sd15_tiny_sampler_runs.safetensors");
  return f;
}

inline const formats::SafetensorsFile& comfy_ancestral() {
  static const auto f =
      formats::SafetensorsFile::open(data_dir() / "samplers" / "comfyui_euler_ancestral.safetensors");
  return f;
}

// Splits a [k, ...] tensor into k equal slices.
inline std::vector<std::vector<float>> slices(const formats::SafetensorsFile& f, const std::string& name) {
  const auto& info = f.at(name);
  const std::vector<float> all = f.read_f32(name);
  const size_t k = static_cast<size_t>(info.shape.at(0)), per = all.size() / k;
  std::vector<std::vector<float>> out(k);
  for (size_t i = 0; i < k; ++i) out[i].assign(all.begin() + i * per, all.begin() + (i + 1) * per);
  return out;
}

inline std::vector<double> as_double(const std::vector<float>& v) { return {v.begin(), v.end()}; }

inline float max_abs(const std::vector<float>& v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

inline float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

}  // namespace vkflow::test
