#pragma once
// PyTorch checkpoints (.ckpt/.pt/.pth/.bin): torch.save's zip archive (data.pkl + data/<key>
// storages) and the legacy format (a run of pickles followed by raw storages), read through
// the restricted unpickler. The weights dict is found under "state_dict", "weight" (RVC),
// "model" or "module" when the top level is a wrapper; other top-level values become metadata.
#include <filesystem>
#include <memory>

#include "runtime/formats/tensor_source.hpp"

namespace vkflow::formats {

class TorchCheckpoint : public TensorSource {
 public:
  static std::unique_ptr<TorchCheckpoint> open(const std::filesystem::path& path);
  // The same from bytes already in memory (fuzzing): `file` must outlive nothing else.
  static std::unique_ptr<TorchCheckpoint> open(std::shared_ptr<const MappedFile> file);

  std::string format() const override { return legacy_ ? "pytorch-legacy" : "pytorch-zip"; }
  std::string describe() const override { return file_->path().string(); }
  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  const nlohmann::json& metadata() const override { return metadata_; }
  std::vector<std::shared_ptr<const MappedFile>> files() const override { return {file_}; }
  // Tensors that were skipped (non-contiguous, float64, ...), one line each.
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::shared_ptr<const MappedFile> file_;
  std::vector<TensorInfo> tensors_;
  nlohmann::json metadata_ = nlohmann::json::object();
  std::vector<std::string> problems_;
  bool legacy_ = false;
};

bool is_torch_checkpoint(std::span<const uint8_t> head);

}  // namespace vkflow::formats
