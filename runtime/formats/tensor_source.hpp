#pragma once
// What every model-file reader offers: a list of tensors (name, dtype, PyTorch-order shape,
// where its bytes lie) and their bytes, plus metadata as JSON. Readers check everything on
// open; bytes() hands out spans of the memory-mapped file(s).
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/formats/mapped_file.hpp"
#include "runtime/formats/tensor_info.hpp"

namespace vkflow::formats {

class TensorSource {
 public:
  virtual ~TensorSource() = default;
  virtual std::string format() const = 0;  // "safetensors", "gguf", "pytorch-zip", ...
  virtual std::string describe() const = 0;  // the path (or folder) for messages
  virtual const std::vector<TensorInfo>& tensors() const = 0;
  virtual const nlohmann::json& metadata() const = 0;
  // The mapped files; TensorInfo::file indexes this list.
  virtual std::vector<std::shared_ptr<const MappedFile>> files() const = 0;

  std::span<const uint8_t> bytes(const TensorInfo& t) const;
  const TensorInfo* find(std::string_view name) const;
  const TensorInfo& at(std::string_view name) const;  // throws FormatError when absent
  // Converts to float32 (plain and, with the cpu helper's dequantizers, block types).
  std::vector<float> read_f32(const TensorInfo& t) const;

 private:
  mutable std::unordered_map<std::string, size_t> index_;
};

// Opens a model file by its content (magic bytes), not its extension: safetensors, a
// *.safetensors.index.json shard index, GGUF, a torch.save zip or legacy pickle, whisper.cpp
// ggml .bin. Throws FormatError when the file is none of them or is malformed.
std::unique_ptr<TensorSource> open_tensor_source(const std::filesystem::path& path);

// Element count of a shape with overflow and sanity checks (for messages: `where`).
uint64_t checked_numel(const Shape& s, const std::string& where);
// Rejects overlapping byte ranges among tensors of the same file.
void check_no_overlap(const std::vector<TensorInfo>& tensors, const std::string& where);

}  // namespace vkflow::formats
