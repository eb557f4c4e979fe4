#pragma once
// The flux_tiny fixture as the FLUX transformer/AE tests use it: the transformer files shared
// with tests/formats (tests/data/formats), the AE and the expected tensors in tests/data/flux
// (dit_io.safetensors = the fixture's io.safetensors minus the T5/CLIP encoder cases).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"
#include "tests/sd15/fixture.hpp"  // max_abs, max_abs_diff, model_tol

namespace vkflow::test {

// case.json tolerances
constexpr float kFluxTrTol = 1e-4f, kFluxAeTol = 5e-4f, kFluxStepTol = 1e-3f, kFluxImageTol = 2e-3f;

inline std::filesystem::path flux_dit_path(const std::string& file) { return data_dir() / "formats" / file; }
inline std::filesystem::path flux_ae_path() { return data_dir() / "flux" / "ae_tiny.safetensors"; }

inline const formats::SafetensorsFile& flux_io() {
  static const auto f = formats::SafetensorsFile::open(data_dir() / "flux" / "dit_io.safetensors");
  return f;
}
inline std::vector<float> flux_f32(const std::string& name) { return flux_io().read_f32(name); }
inline Shape flux_shape(const std::string& name) { return flux_io().at(name).shape; }
inline Tensor flux_tensor(Device& dev, const std::string& name) {
  return Tensor::from_f32(dev, flux_shape(name), flux_f32(name));
}

// max |got − want| ≤ tol (model_tol: widened on reduced-precision device paths).
inline void expect_close(const Device& dev, const std::vector<float>& got, const std::vector<float>& want, float tol,
                         const std::string& what) {
  tol = model_tol(dev, tol, max_abs(want));
  const float d = max_abs_diff(got, want);
  EXPECT_LE(d, tol) << what << ": max |diff| " << d << " (max |ref| " << max_abs(want) << ")";
}
inline void expect_flux_matches(const Tensor& got, const std::string& name, float tol) {
  ASSERT_EQ(to_string(got.shape()), to_string(flux_shape(name))) << name;
  expect_close(got.device(), got.to_f32(), flux_f32(name), tol, name);
}

}  // namespace vkflow::test
