#pragma once
// whisper.cpp's legacy ggml model file (ggml-*.bin): magic, 11 int32 hparams, mel filter bank,
// vocabulary, then tensors (n_dims, name length, ggml type, ne[], name, data) until the end.
// The mel filters are offered as the F32 tensor "mel_filters" [n_mels, n_fft].
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "runtime/formats/tensor_source.hpp"

namespace vkflow::formats {

struct WhisperHparams {
  int32_t n_vocab = 0, n_audio_ctx = 0, n_audio_state = 0, n_audio_head = 0, n_audio_layer = 0;
  int32_t n_text_ctx = 0, n_text_state = 0, n_text_head = 0, n_text_layer = 0, n_mels = 0, ftype = 0;
};

class WhisperBinFile : public TensorSource {
 public:
  static std::unique_ptr<WhisperBinFile> open(const std::filesystem::path& path);

  std::string format() const override { return "whisper-ggml"; }
  std::string describe() const override { return file_->path().string(); }
  const std::vector<TensorInfo>& tensors() const override { return tensors_; }
  const nlohmann::json& metadata() const override { return metadata_; }  // hparams and counts
  std::vector<std::shared_ptr<const MappedFile>> files() const override { return {file_}; }

  const WhisperHparams& hparams() const { return hp_; }
  // Token bytes as stored (not necessarily UTF-8), index = token id.
  const std::vector<std::string>& vocab() const { return vocab_; }

 private:
  std::shared_ptr<const MappedFile> file_;
  std::vector<TensorInfo> tensors_;
  nlohmann::json metadata_ = nlohmann::json::object();
  WhisperHparams hp_;
  std::vector<std::string> vocab_;
};

bool is_whisper_bin(std::span<const uint8_t> head);

}  // namespace vkflow::formats
