#pragma once
// The tensor index of a model file (names, shapes, dtypes, sizes) without reading any weights:
// what the model-family estimators (runtime/models/*_estimate.hpp) work from.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/core/device.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/formats/tensor_info.hpp"
#include "runtime/models/footprint.hpp"

namespace vkflow::models {

struct ModelHeader {
  std::string path;                          // identity of the file in model ids
  std::string format;                        // "safetensors", "gguf", ... (ModelFile::format())
  std::string arch;                          // formats::arch id ("flux", "sd15", ...)
  std::vector<formats::TensorInfo> tensors;  // canonical names, dtype as loaded
  nlohmann::json metadata = nlohmann::json::object();

  const formats::TensorInfo* find(std::string_view name) const;
  // Throws FormatError naming the file when the tensor is missing.
  const formats::TensorInfo& at(std::string_view name) const;
  // Largest N such that `prefix + N + "."` starts some tensor name, plus one (0 when none):
  // the number of numbered blocks ("double_blocks.", "encoder.block.").
  int count_blocks(std::string_view prefix) const;
};

// Opens any model file formats::ModelFile reads (safetensors, GGUF, torch, whisper .bin) and
// takes its canonical tensor index; no weights are read. Throws FormatError on bad input.
ModelHeader read_model_header(const std::filesystem::path& path);
// The same from a model already open (a node that loaded it for other reasons).
ModelHeader model_header(const formats::ModelFile& m, const std::string& path);

// The dtype weights of `file_dtype` are kept in on a device: Vulkan and CPU kernels take
// f32/f16/bf16 and the GGUF block formats directly; fp8 is widened to f16 on load.
DType resident_dtype(DType file_dtype, DeviceKind device);

// Resident weights of the tensors whose names start with `prefix` (all when empty), at the
// dtypes `device` runs; the model identity is "<path>#<component>".
WeightUse weights_of(const ModelHeader& h, std::string_view prefix, const std::string& component,
                     DeviceKind device);
// Parameter count of those tensors.
uint64_t params_of(const ModelHeader& h, std::string_view prefix);

}  // namespace vkflow::models
