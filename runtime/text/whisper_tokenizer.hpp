#pragma once
// Whisper's tokenizer: byte-level BPE by rank (tiktoken) plus Whisper's special tokens, as
// openai-whisper's tokenizer.py builds them. Regular token k is the k-th byte string of the
// vocabulary (its rank); the specials follow: <|endoftext|>, <|startoftranscript|>, one token
// per language, <|translate|>, <|transcribe|>, <|startoflm|>, <|startofprev|>, <|nospeech|>,
// <|notimestamps|>, then 1501 timestamps <|0.00|> ... <|30.00|>.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "runtime/text/unicode_text.hpp"

namespace vkflow::text {

class WhisperTokenizer {
 public:
  // `tokens[k]` are the bytes of the token with rank/id k (tiktoken file order or whisper.cpp
  // .bin vocabulary order); `num_languages` is 99 for most models, 100 for large-v3.
  WhisperTokenizer(std::vector<std::string> tokens, int num_languages);
  // From a .tiktoken file's contents ("<base64> <rank>" lines). Throws FormatError.
  static WhisperTokenizer from_tiktoken(std::string_view contents, int num_languages, const std::string& origin);
  // From a HF Whisper folder's vocab.json (GPT-2 byte-to-unicode spelling, ids 0..n-1 of the
  // regular tokens; the specials of added_tokens.json follow them in the fixed order above).
  static WhisperTokenizer from_hf_vocab(std::string_view vocab_json, int num_languages, const std::string& origin);
  // For a model: its own vocabulary (whisper.cpp .bin vocab section, token k = id k) and
  // n_vocab; multilingual when n_vocab >= 51865, as whisper.cpp decides.
  static WhisperTokenizer for_model(std::vector<std::string> tokens, int n_vocab);
  // The embedded vocabularies: multilingual (50257 ranks) or gpt2 (English-only models).
  static const WhisperTokenizer& embedded(bool multilingual, int num_languages = 99);
  // Languages of a model from its n_vocab (51865 -> 99, 51866 -> 100, 51864 English -> 99).
  static int num_languages_for(int n_vocab, bool multilingual);

  // Text -> ids; "<|...|>" in the text is plain text (encode(..., disallowed_special=())).
  std::vector<int32_t> encode(std::string_view text) const;
  // Ids -> raw bytes (special tokens as their text, e.g. "<|0.00|>").
  std::string decode_bytes(const std::vector<int32_t>& ids) const;
  // openai-whisper decode(): timestamps dropped, invalid UTF-8 replaced by U+FFFD.
  std::string decode(const std::vector<int32_t>& ids) const;
  // decode_with_timestamps(): timestamps kept as "<|1.08|>".
  std::string decode_with_timestamps(const std::vector<int32_t>& ids) const;
  std::string token_text(int32_t id) const;  // one token's bytes (special: its name)

  int32_t n_vocab() const { return timestamp_begin_ + 1501; }
  int num_languages() const { return num_languages_; }
  int32_t eot() const { return eot_; }
  int32_t sot() const { return eot_ + 1; }
  int32_t translate() const { return sot() + 1 + num_languages_; }
  int32_t transcribe() const { return translate() + 1; }
  int32_t sot_lm() const { return translate() + 2; }
  int32_t sot_prev() const { return translate() + 3; }
  int32_t no_speech() const { return translate() + 4; }
  int32_t no_timestamps() const { return translate() + 5; }
  int32_t timestamp_begin() const { return timestamp_begin_; }
  bool is_timestamp(int32_t id) const { return id >= timestamp_begin_ && id < n_vocab(); }
  // Token of a language given by code or name; throws vkflow::Error if the model lacks it.
  int32_t language_token(std::string_view code_or_name) const;
  std::vector<int32_t> all_language_tokens() const;
  // [sot] (+ language) (+ task: "transcribe" / "translate"); empty optional = omitted.
  std::vector<int32_t> sot_sequence(std::optional<std::string_view> language,
                                    std::optional<std::string_view> task) const;
  // What suppress_tokens="-1" suppresses (punctuation/symbol-only tokens), sorted.
  std::vector<int32_t> non_speech_tokens() const;

 private:
  void bpe(std::string_view piece, std::vector<int32_t>& out) const;

  std::vector<std::string> tokens_;
  std::unordered_map<std::string, int32_t> rank_;
  int num_languages_;
  int32_t eot_, timestamp_begin_;
  Regex pre_tokenizer_;
};

}  // namespace vkflow::text
