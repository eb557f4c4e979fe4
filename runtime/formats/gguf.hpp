#pragma once
// GGUF v2/v3 reader (llama.cpp/ggml container): header, metadata key-values of every type,
// tensor infos (ggml's ne[] order reversed to PyTorch order) and aligned tensor data.
// Every count, length, offset and type is checked against the file before use.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "runtime/formats/tensor_source.hpp"

namespace vkflow::formats {

class GgufFile : public TensorSource {
 public:
  static std::unique_ptr<GgufFile> open(const std::filesystem::path& path);

  std::string format() const override { return "gguf"; }
  std::string describe() const override { return file_->path().string(); }
  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  // Key-values as JSON: numbers, bools, strings, arrays. Strings that are not UTF-8 are
  // kept byte-for-byte (dump with error_handler::replace).
  const nlohmann::json& metadata() const override { return metadata_; }
  std::vector<std::shared_ptr<const MappedFile>> files() const override { return {file_}; }

  uint32_t version() const { return version_; }
  uint64_t alignment() const { return alignment_; }
  uint64_t data_offset() const { return data_offset_; }

 private:
  std::shared_ptr<const MappedFile> file_;
  std::vector<TensorInfo> tensors_;
  nlohmann::json metadata_ = nlohmann::json::object();
  uint32_t version_ = 0;
  uint64_t alignment_ = 32;
  uint64_t data_offset_ = 0;
};

// ggml's type id for a DType and back; nullopt for types the runtime does not support.
std::optional<DType> dtype_from_ggml(uint32_t ggml_type);
std::optional<uint32_t> ggml_type_of(DType t);
// ggml's name of a type id ("q4_K", "iq2_xxs", ...) for messages; "type <n>" when unknown.
std::string ggml_type_name(uint32_t ggml_type);

bool is_gguf(std::span<const uint8_t> head);

}  // namespace vkflow::formats
