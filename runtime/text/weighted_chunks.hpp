#pragma once
// ComfyUI's tokenization with weights (comfy/sd1_clip.py SDTokenizer.tokenize_with_weights),
// shared by its CLIP (SD1.x/SDXL/FLUX clip_l) and T5-XXL (FLUX) text encoders:
//  1. the prompt is split into weighted segments (prompt_weights.hpp); each non-empty segment
//     is tokenized on its own (without BOS/EOS);
//  2. segments are packed into chunks of `max_length` tokens: [start] + tokens + [end]. A
//     segment that does not fit in the current chunk moves whole to a new chunk (the current
//     one is closed with EOS and, if pad_to_max_length, padded), unless it has >= 8 tokens
//     ("large"): then it fills the current chunk and continues in the next;
//  3. the last chunk gets EOS, then padding to max_length (pad_to_max_length) and to min_length.
// Start/end/pad tokens carry weight 1.0. An empty prompt gives one chunk [start, end, pad...].
// Not supported: "embedding:<name>" textual-inversion references (tokenized as plain text).
#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "runtime/text/clip_tokenizer.hpp"
#include "runtime/text/t5_tokenizer.hpp"

namespace vkflow::text {

struct WeightedToken {
  int32_t id;
  double weight;
  bool operator==(const WeightedToken&) const = default;
};

struct ChunkSpec {
  std::optional<int32_t> start;  // BOS, if the encoder takes one
  std::optional<int32_t> end;    // EOS
  int32_t pad = 0;
  size_t max_length = 77;
  bool pad_to_max_length = true;
  std::optional<size_t> min_length;
  size_t max_word_length = 8;  // segments this long may be split across chunks
  bool weights = true;         // false: the whole prompt is one segment of weight 1
};

using SegmentEncoder = std::function<std::vector<int32_t>(std::string_view)>;

std::vector<std::vector<WeightedToken>> tokenize_with_weights(const SegmentEncoder& encode, std::string_view prompt,
                                                              const ChunkSpec& spec);

// SD1.x / FLUX clip_l: chunks of 77 = BOS + 75 + EOS, padded with `pad` (EOS for SD1.x and
// FLUX's CLIP-L; SDXL's CLIP-G pads with 0).
struct ClipChunkOptions {
  int32_t pad = ClipTokenizer::kEos;
  bool weights = true;
};
std::vector<std::vector<WeightedToken>> clip_tokenize_with_weights(const ClipTokenizer& tok, std::string_view prompt,
                                                                   const ClipChunkOptions& opt = {});

// FLUX's T5-XXL in ComfyUI: one chunk (no length limit), no BOS, </s> at the end, padded with
// 0 to at least `min_length` (256).
std::vector<WeightedToken> t5_tokenize_with_weights(const T5Tokenizer& tok, std::string_view prompt,
                                                    size_t min_length = 256, bool weights = true);

}  // namespace vkflow::text
