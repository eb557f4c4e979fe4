#pragma once
// ComfyUI's SD1/SDXL/FLUX CLIP tokenization with weights (SDTokenizer.tokenize_with_weights):
// the prompt is split into weighted segments (prompt_weights.hpp); each segment is
// tokenized as a whole; tokens are packed into chunks of `max_length` (77) = BOS + up to 75
// tokens + EOS, padded with `pad` to max_length. A segment that does not fit in the current
// chunk moves whole to a new chunk, unless it has >= 8 tokens ("large"), in which case it
// fills the current chunk and continues in the next. An empty prompt gives one chunk
// [BOS, EOS, pad...]. BOS/EOS/pad carry weight 1.0.
// Not supported: "embedding:<name>" textual-inversion references (tokenized as plain text).
#include <cstdint>
#include <string_view>
#include <vector>

#include "runtime/text/clip_tokenizer.hpp"

namespace vkflow::text {

struct WeightedToken {
  int32_t id;
  double weight;
  bool operator==(const WeightedToken&) const = default;
};

struct ClipChunkOptions {
  size_t max_length = 77;
  int32_t pad = ClipTokenizer::kEos;  // SD1.x pads with EOS; SDXL's CLIP-G pads with 0
  size_t max_word_length = 8;         // segments this long may be split across chunks
  bool weights = true;                // false: the whole prompt has weight 1 (disable_weights)
};

std::vector<std::vector<WeightedToken>> clip_tokenize_with_weights(const ClipTokenizer& tok,
                                                                   std::string_view prompt,
                                                                   const ClipChunkOptions& opt = {});

}  // namespace vkflow::text
