#pragma once
// Run-time values of the Whisper nodes: WHISPER_MODEL (an opened model file and its
// tokenizer; weights are uploaded by the node that runs the model, on its planned device) and
// TRANSCRIPT (segments with token details).
#include <filesystem>
#include <memory>
#include <string_view>

#include "graph/node_schema.hpp"
#include "nodes/value.hpp"
#include "runtime/formats/model_file.hpp"
#include "runtime/models/whisper/transcript.hpp"
#include "runtime/text/whisper_tokenizer.hpp"

namespace vkflow::nodes {

struct WhisperModelValue : Object {
  std::string_view type() const override { return graph::types::WHISPER_MODEL; }
  std::filesystem::path path;
  std::shared_ptr<const formats::ModelFile> file;  // memory-mapped, nothing read yet
  std::shared_ptr<const text::WhisperTokenizer> tokenizer;
};

struct TranscriptValue : Object {
  explicit TranscriptValue(models::whisper::Transcript t) : transcript(std::move(t)) {}
  std::string_view type() const override { return graph::types::TRANSCRIPT; }
  uint64_t host_bytes() const override;
  models::whisper::Transcript transcript;
};

}  // namespace vkflow::nodes
