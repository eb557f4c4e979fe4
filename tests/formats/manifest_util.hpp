#pragma once
// Loads a fixture manifest (names/shapes/dtypes of a full-size model, no weights) as the
// tensor list a reader would produce, so detection can be tested on real-size layouts.
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/formats/safetensors.hpp"
#include "tests/common/paths.hpp"

namespace vkflow::test {
inline std::vector<formats::TensorInfo> manifest_tensors(const std::string& name) {
  std::ifstream in(data_dir() / "formats/manifests" / name);
  nlohmann::json j = nlohmann::json::parse(in);
  std::vector<formats::TensorInfo> out;
  for (auto& t : j["tensors"]) {
    formats::TensorInfo ti;
    ti.name = t["name"];
    ti.dtype = formats::safetensors_dtype(t.value("dtype", "F32")).value();
    for (auto& d : t["shape"]) ti.shape.push_back(d.get<int64_t>());
    out.push_back(std::move(ti));
  }
  return out;
}
}  // namespace vkflow::test
