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
#include "runtime/formats/tensor_info.hpp"

namespace vkflow::formats {

class SafetensorsFile {
 public:
  // Throws FormatError naming the file (and tensor) on any inconsistency.
  static SafetensorsFile open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return file_->path(); }
  const std::vector<TensorInfo>& tensors() const { return tensors_; }
  const TensorInfo* find(std::string_view name) const;
  const TensorInfo& at(std::string_view name) const;  // throws FormatError when absent
  const nlohmann::json& metadata() const { return metadata_; }  // "__metadata__" (object)
  std::span<const uint8_t> bytes(const TensorInfo& t) const;
  // Converts a tensor to float32 (f32/f16/bf16/f8/ints).
  std::vector<float> read_f32(std::string_view name) const;
  const std::shared_ptr<const MappedFile>& file() const { return file_; }

 private:
  std::shared_ptr<const MappedFile> file_;
  std::vector<TensorInfo> tensors_;
  nlohmann::json metadata_ = nlohmann::json::object();
};

// The dtype named in a safetensors header ("F16", "BF16", "F8_E4M3", ...); nullopt if unknown.
std::optional<DType> safetensors_dtype(std::string_view s);

}  // namespace vkflow::formats
