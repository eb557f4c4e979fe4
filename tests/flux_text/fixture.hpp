#pragma once
// The text-encoder part of the flux_tiny fixture as copied into tests/data/flux
// (make_text_data.py there): T5 and CLIP-L files and the expected tensors.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/sd15/fixture.hpp"  // max_abs, max_abs_diff, model_tol

namespace vkflow::test {

inline constexpr float kFluxTextTol = 1e-4f;  // case.json tolerances["t5/clip"]

inline const formats::ModelFile& flux_t5_file() {
  static const auto m = formats::ModelFile::open(data_dir() / "flux" / "t5_tiny_fp16.safetensors");
  return m;
}
inline const formats::ModelFile& flux_clip_file() {
  static const auto m = formats::ModelFile::open(data_dir() / "flux" / "clip_l_tiny_fp16.safetensors");
  return m;
}
inline const formats::SafetensorsFile& flux_text_io() {
  static const auto f = formats::SafetensorsFile::open(data_dir() / "flux" / "text_io.safetensors");
  return f;
}
inline std::vector<int64_t> flux_ids(const std::string& name) {
  const std::vector<float> f = flux_text_io().read_f32(name);
  return {f.begin(), f.end()};
}

// got ≈ the io tensor `name` within abs tolerance `tol` (model_tol; shape checked too).
inline void expect_flux_matches(const Tensor& got, const std::string& name, float tol = kFluxTextTol) {
  ASSERT_EQ(to_string(got.shape()), to_string(flux_text_io().at(name).shape)) << name;
  const std::vector<float> want = flux_text_io().read_f32(name);
  tol = model_tol(got.device(), tol, max_abs(want));
  const float d = max_abs_diff(got.to_f32(), want);
  EXPECT_LE(d, tol) << name << ": max |diff| " << d << " (max |ref| " << max_abs(want) << ")";
}

}  // namespace vkflow::test
