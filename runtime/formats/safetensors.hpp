#pragma once
// safetensors reader: an 8-byte little-endian header length, a JSON header, then the data.
// Every header field, shape, dtype and offset is checked against the file before use.
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/formats/mapped_file.hpp"
#include "runtime/formats/tensor_source.hpp"

namespace vkflow::formats {

class SafetensorsFile : public TensorSource {
 public:
  // Throws FormatError naming the file (and tensor) on any inconsistency.
  static SafetensorsFile open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_->path(); }
  std::string format() const override { return "safetensors"; }
  std::string describe() const override { return file_->path().string(); }
  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  const nlohmann::json& metadata() const override { return metadata_; }  // "__metadata__" (object)
  std::vector<std::shared_ptr<const MappedFile>> files() const override { return {file_}; }
  using TensorSource::read_f32;
  // Converts a tensor to float32 (f32/f16/bf16/f8/ints).
  std::vector<float> read_f32(std::string_view name) const { return read_f32(at(name)); }
  const std::shared_ptr<const MappedFile>& file() const { return file_; }

 private:
  std::shared_ptr<const MappedFile> file_;
  std::vector<TensorInfo> tensors_;
  nlohmann::json metadata_ = nlohmann::json::object();
};

// The dtype named in a safetensors header ("F16", "BF16", "F8_E4M3", ...); nullopt if unknown.
std::optional<DType> safetensors_dtype(std::string_view s);

}  // namespace vkflow::formats
