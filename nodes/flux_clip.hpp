#pragma once
// FLUX's dual text encoder as a CLIP handle (model_values.hpp), as ComfyUI's FluxClipModel:
// CLIP-L gives the pooled vector (pooled_output), T5-XXL the token states (cross_attn).
// Tokenization follows ComfyUI's FluxTokenizer: CLIP-L in 77-token chunks (only the first
// chunk's pooled output is used), T5 as one unpadded-then-padded-to-256 sequence with </s>;
// "(word:1.2)" weights pull T5 states away from the empty prompt's. Weights load lazily on
// the device of the node that encodes; T5 can instead stream block by block through a GPU.
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "nodes/model_values.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::nodes {

class FluxTextEncoder final : public TextEncoder {
 public:
  using FilePtr = std::shared_ptr<const formats::ModelFile>;
  FluxTextEncoder(FilePtr clip_l, FilePtr t5xxl);
  ~FluxTextEncoder() override;
  std::string source() const override;

  // ComfyUI's CLIPTextEncode on a FLUX CLIP: the same text to both encoders. CLIP-L's pooled
  // output does not depend on the clip-skip layer and T5 always uses its last layer, so
  // `last_layer` changes nothing here (as in ComfyUI).
  ConditioningEntry encode(std::string_view text, int last_layer, Device& dev) const override;
  void release_loaded() const override;

  struct Options {
    bool stream_t5 = false;  // T5 weights streamed block by block (planner option "stream_weights")
  };
  // CLIPTextEncodeFlux: separate texts for CLIP-L and T5.
  ConditioningEntry encode_dual(std::string_view clip_text, std::string_view t5_text, Device& dev,
                                const Options& opt) const;

 private:
  struct Loaded;
  FilePtr clip_l_, t5_;
  std::unique_ptr<Loaded> loaded_;
};

// The options a node's planner-chosen options select (null or {} = defaults).
FluxTextEncoder::Options flux_text_options(const nlohmann::json& planner_options);

// DualCLIPLoader type "flux": the two files in either order (each is recognised by its
// weights). FormatError naming the input when a file is neither, or both are the same kind.
std::shared_ptr<const FluxTextEncoder> open_flux_dual_clip(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace vkflow::nodes
