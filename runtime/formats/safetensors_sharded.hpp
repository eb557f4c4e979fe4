#pragma once
// A model split over several safetensors files by a `*.safetensors.index.json`
// ({"metadata": {...}, "weight_map": {tensor: shard file}}), seen as one tensor source.
#include <filesystem>
#include <memory>

#include "runtime/formats/safetensors.hpp"

namespace vkflow::formats {

class ShardedSafetensors : public TensorSource {
 public:
  // Shard names must be plain file names next to the index (no folders, no "..").
  static std::unique_ptr<ShardedSafetensors> open(const std::filesystem::path& index_json);

  std::string format() const override { return "safetensors-sharded"; }
  std::string describe() const override { return index_.string(); }
  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  const nlohmann::json& metadata() const override { return metadata_; }
  std::vector<std::shared_ptr<const MappedFile>> files() const override;

 private:
  std::filesystem::path index_;
  std::vector<SafetensorsFile> shards_;
  std::vector<TensorInfo> tensors_;
  nlohmann::json metadata_ = nlohmann::json::object();
};

}  // namespace vkflow::formats
