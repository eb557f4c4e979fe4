#include "runtime/models/model_header.hpp"

#include "runtime/models/live_bytes.hpp"

#include <algorithm>
#include <cctype>

#include "runtime/core/error.hpp"

namespace vkflow::models {

const formats::TensorInfo* ModelHeader::find(std::string_view name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

const formats::TensorInfo& ModelHeader::at(std::string_view name) const {
  if (auto* t = find(name)) return *t;
  throw FormatError(path, "tensor '" + std::string(name) + "' is missing (not the expected model?)");
}

int ModelHeader::count_blocks(std::string_view prefix) const {
  int n = 0;
  for (const auto& t : tensors) {
    if (t.name.size() <= prefix.size() || t.name.compare(0, prefix.size(), prefix) != 0) continue;
    size_t i = prefix.size();
    int v = 0;
    bool digits = false;
    while (i < t.name.size() && std::isdigit(static_cast<unsigned char>(t.name[i])))
      v = v * 10 + (t.name[i++] - '0'), digits = true;
    if (digits && i < t.name.size() && t.name[i] == '.') n = std::max(n, v + 1);
  }
  return n;
}

ModelHeader model_header(const formats::ModelFile& m, const std::string& path) {
  ModelHeader h;
  h.path = path;
  h.format = m.format();
  h.arch = m.detection().arch;
  h.metadata = m.metadata();
  for (const auto& w : m.weights()) {
    formats::TensorInfo t;
    t.name = w.name;
    t.dtype = w.dtype;
    t.shape = w.shape;
    t.nbytes = w.nbytes;
    if (w.stored) t.offset = w.stored->offset;
    h.tensors.push_back(std::move(t));
  }
  return h;
}

ModelHeader read_model_header(const std::filesystem::path& path) {
  return model_header(formats::ModelFile::open(path), path.string());
}

DType resident_dtype(DType t, DeviceKind) {
  if (t == DType::F8_E4M3 || t == DType::F8_E5M2) return DType::F16;
  return t;
}

WeightUse weights_of(const ModelHeader& h, std::string_view prefix, const std::string& component,
                     DeviceKind device) {
  WeightUse w;
  w.model = h.path + "#" + component;
  for (const auto& t : h.tensors) {
    if (t.name.compare(0, prefix.size(), prefix) != 0) continue;
    if (!dtype_info(t.dtype).floating && !dtype_info(t.dtype).quantized) continue;  // ids (i64): not loaded
    // Matrices and convolution kernels stay at their type; the models keep vectors (biases,
    // norm scales) in f32 (WeightUse::F32). Each tensor is one allocation.
    const bool kernel = t.shape.size() >= 2;
    const DType r = kernel ? resident_dtype(t.dtype, device) : (dtype_info(t.dtype).floating ? DType::F32 : t.dtype);
    const uint64_t b = r == t.dtype ? t.nbytes : dtype_bytes(r, numel(t.shape));
    w.bytes += static_cast<uint64_t>(allocated_bytes(static_cast<double>(b), device));
  }
  if (w.bytes == 0) throw FormatError(h.path, "no tensors named '" + std::string(prefix) + "*' (" + component + ")");
  return w;
}

uint64_t params_of(const ModelHeader& h, std::string_view prefix) {
  uint64_t n = 0;
  for (const auto& t : h.tensors)
    if (t.name.compare(0, prefix.size(), prefix) == 0) n += static_cast<uint64_t>(numel(t.shape));
  return n;
}

}  // namespace vkflow::models
