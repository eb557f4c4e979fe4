#pragma once
// The sd15_tiny fixture as copied into tests/data/sd15 (make_data.py there): the checkpoint
// and the expected tensors, plus comparison helpers for the model tests.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/safetensors.hpp"
#include "tests/common/devices.hpp"
#include "tests/common/paths.hpp"

namespace vkflow::test {

inline const formats::ModelFile& sd15_model() {
  static const auto m = formats::ModelFile::open(data_dir() / "sd15" / "sd15_tiny.safetensors");
  return m;
}

inline const formats::SafetensorsFile& sd15_io() {
  static const auto f = formats::SafetensorsFile::open(data_dir() / "sd15" / "io.safetensors");
  return f;
}

inline std::vector<float> io_f32(const std::string& name) { return sd15_io().read_f32(name); }
inline Shape io_shape(const std::string& name) { return sd15_io().at(name).shape; }
inline std::vector<int64_t> io_ids(const std::string& name) {
  const std::vector<float> f = io_f32(name);
  return {f.begin(), f.end()};
}
inline Tensor io_tensor(Device& dev, const std::string& name) { return Tensor::from_f32(dev, io_shape(name), io_f32(name)); }

inline float max_abs(const std::vector<float>& v) {
  float m = 0;
  for (float x : v) m = std::max(m, std::fabs(x));
  return m;
}

inline float max_abs_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

// The fixture's tolerances are for float32 arithmetic and hold on fp32 paths. A reduced-
// precision path (the Vulkan fast path stages GEMM operands in fp16) gets at least 25x its
// per-op floor relative to the reference's scale: the error compounds through the layers.
inline float model_tol(const Device& dev, float tol, float ref_scale) {
  const double floor = tolerance_floor(dev, "conv2d");
  return floor > 0 ? std::max(tol, static_cast<float>(25.0 * floor * ref_scale)) : tol;
}

// got ≈ the io tensor `name` within abs tolerance `tol` (model_tol; shape checked too).
inline void expect_matches(const Tensor& got, const std::string& name, float tol) {
  ASSERT_EQ(to_string(got.shape()), to_string(io_shape(name))) << name;
  const std::vector<float> want = io_f32(name);
  tol = model_tol(got.device(), tol, max_abs(want));
  const float d = max_abs_diff(got.to_f32(), want);
  EXPECT_LE(d, tol) << name << ": max |diff| " << d << " (max |ref| " << max_abs(want) << ")";
}

}  // namespace vkflow::test
