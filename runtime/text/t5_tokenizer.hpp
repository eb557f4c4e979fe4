#pragma once
// T5's SentencePiece unigram tokenizer (T5 v1.1 / FLUX's T5-XXL) from a HF tokenizer.json, run as
// T5TokenizerFast runs it: special tokens (<pad>, </s>, <unk>, <extra_id_N>) are matched in the
// raw text; the rest is normalised (precompiled charsmap, trailing whitespace stripped, runs of
// 2+ spaces -> "▁"), pre-tokenised by Metaspace (" " -> "▁", "▁" prepended at the start of
// the text, split before each "▁") and segmented by the unigram model; </s> ends the sequence.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/text/precompiled_charsmap.hpp"
#include "runtime/text/unigram.hpp"
#include "runtime/text/unicode_text.hpp"

namespace vkflow::text {

class T5Tokenizer {
 public:
  static constexpr int32_t kPad = 0;
  static constexpr int32_t kEos = 1;
  static constexpr int32_t kUnk = 2;

  // The tokenizer.json compiled into the binary (assets/t5_tokenizer). Built once, thread-safe.
  static const T5Tokenizer& embedded();
  // Throws vkflow::FormatError naming `origin` when the JSON is not a unigram tokenizer.
  T5Tokenizer(std::string_view tokenizer_json, const std::string& origin);

  // Ids followed by </s> (T5TokenizerFast(text).input_ids).
  std::vector<int32_t> encode(std::string_view text) const;
  // padding="max_length", truncation=True: at most max_length-1 ids, </s>, then <pad> (0).
  // FluxPipeline uses max_length 256 (schnell) or 512 (dev).
  std::vector<int32_t> encode_padded(std::string_view text, size_t max_length) const;
  // Pieces joined, "▁" -> " ", special tokens dropped (skip_special_tokens).
  std::string decode(const std::vector<int32_t>& ids) const;
  size_t vocab_size() const { return model_->size(); }

 private:
  void encode_section(std::string_view section, bool at_start, std::vector<int32_t>& out) const;

  std::unique_ptr<UnigramModel> model_;
  std::unique_ptr<PrecompiledCharsmap> charsmap_;
  std::vector<std::pair<std::string, int32_t>> specials_;  // added tokens, longest first
  Regex multi_space_;
};

}  // namespace vkflow::text
