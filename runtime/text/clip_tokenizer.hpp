#pragma once
// CLIP's BPE tokenizer, as transformers' CLIPTokenizer (tokenizers backend) runs it for SD1.5,
// SDXL and FLUX: NFC, whitespace runs -> " ", lowercase; <|startoftext|>/<|endoftext|> in the
// text are the special tokens; the pre-tokenizer regex ('s|'t|'re|'ve|'m|'ll|'d, letter runs,
// single digits, other non-space runs); byte-level BPE with "</w>" ending each word.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/text/unicode_text.hpp"

namespace vkflow::text {

class ClipTokenizer {
 public:
  static constexpr int32_t kBos = 49406;  // <|startoftext|>
  static constexpr int32_t kEos = 49407;  // <|endoftext|>, also the padding token for SD1.5

  // The vocabulary compiled into the binary (assets/clip_tokenizer). Built once, thread-safe.
  static const ClipTokenizer& embedded();
  // From vocab.json and merges.txt contents. Throws vkflow::FormatError naming `origin`.
  ClipTokenizer(std::string_view vocab_json, std::string_view merges_txt, const std::string& origin);

  // BPE ids of the text, without BOS/EOS.
  std::vector<int32_t> encode(std::string_view text) const;
  // BOS + ids + EOS, no truncation (CLIPTokenizer(text).input_ids).
  std::vector<int32_t> encode_full(std::string_view text) const;
  // SD1.5's padding="max_length", truncation=True: at most max_length-1 tokens then EOS, padded.
  std::vector<int32_t> encode_padded(std::string_view text, size_t max_length = 77,
                                     int32_t pad = kEos) const;
  // Ids back to text: "</w>" ends a word, special tokens are kept as text.
  std::string decode(const std::vector<int32_t>& ids) const;

  size_t vocab_size() const { return id_to_token_.size(); }

 private:
  void bpe_word(const std::string& word, std::vector<int32_t>& out) const;

  std::unordered_map<std::string, int32_t> token_to_id_;
  std::vector<std::string> id_to_token_;
  std::unordered_map<std::string, int32_t> merge_rank_;  // "left right" -> rank
  Regex special_split_, pre_tokenizer_, whitespace_;
};

}  // namespace vkflow::text
