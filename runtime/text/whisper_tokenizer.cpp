#include "runtime/text/whisper_tokenizer.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>

#include "runtime/assets/embedded_assets.hpp"
#include "runtime/core/error.hpp"
#include <nlohmann/json.hpp>

#include "runtime/text/base64.hpp"
#include "runtime/text/byte_unicode.hpp"
#include "runtime/text/whisper_languages.hpp"

namespace vkflow::text {

namespace {
// tiktoken's GPT-2 split pattern (\s and \S spelled as Unicode White_Space).
constexpr const char* kPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?![^\p{White_Space}])|\p{White_Space}+)";
}  // namespace

WhisperTokenizer::WhisperTokenizer(std::vector<std::string> tokens, int num_languages)
    : tokens_(std::move(tokens)), num_languages_(num_languages), pre_tokenizer_(kPattern) {
  if (num_languages_ < 0 || num_languages_ > static_cast<int>(whisper_languages().size()))
    throw Error("whisper tokenizer: unsupported number of languages " + std::to_string(num_languages));
  if (tokens_.size() < 256) throw Error("whisper tokenizer: vocabulary smaller than the 256 byte tokens");
  for (size_t i = 0; i < tokens_.size(); ++i) rank_.emplace(tokens_[i], static_cast<int32_t>(i));
  for (int b = 0; b < 256; ++b)
    if (!rank_.contains(std::string(1, static_cast<char>(b))))
      throw Error("whisper tokenizer: byte " + std::to_string(b) + " has no token");
  eot_ = static_cast<int32_t>(tokens_.size());
  timestamp_begin_ = translate() + 6;
}

WhisperTokenizer WhisperTokenizer::from_tiktoken(std::string_view contents, int num_languages, const std::string& origin) {
  std::vector<std::string> tokens;
  size_t pos = 0, line = 0;
  while (pos < contents.size()) {
    size_t end = contents.find('\n', pos);
    if (end == std::string_view::npos) end = contents.size();
    std::string_view l = contents.substr(pos, end - pos);
    pos = end + 1;
    ++line;
    if (l.empty()) continue;
    const size_t sp = l.find(' ');
    if (sp == std::string_view::npos) throw FormatError(origin, "line " + std::to_string(line) + " has no rank");
    const std::string rank_text(l.substr(sp + 1));
    if (std::to_string(tokens.size()) != rank_text)
      throw FormatError(origin, "line " + std::to_string(line) + ": ranks must be 0, 1, 2, ... in order");
    try {
      tokens.push_back(base64_decode(l.substr(0, sp)));
    } catch (const Error& e) {
      throw FormatError(origin, "line " + std::to_string(line) + ": " + e.what());
    }
  }
  return WhisperTokenizer(std::move(tokens), num_languages);
}

WhisperTokenizer WhisperTokenizer::from_hf_vocab(std::string_view vocab_json, int num_languages,
                                                 const std::string& origin) {
  nlohmann::json v;
  try {
    v = nlohmann::json::parse(vocab_json);
  } catch (const std::exception& e) {
    throw FormatError(origin, e.what());
  }
  if (!v.is_object() || v.empty()) throw FormatError(origin, "not a token -> id object");
  std::vector<std::string> tokens(v.size());
  std::vector<bool> seen(v.size(), false);
  for (auto it = v.begin(); it != v.end(); ++it) {
    const int64_t id = it->is_number_integer() ? it->get<int64_t>() : -1;
    if (id < 0 || id >= static_cast<int64_t>(tokens.size()) || seen[static_cast<size_t>(id)])
      throw FormatError(origin, "token '" + it.key() + "' has a bad or repeated id");
    try {
      tokens[static_cast<size_t>(id)] = unicode_text_to_bytes(it.key());
    } catch (const Error& e) {
      throw FormatError(origin, "token " + std::to_string(id) + ": " + e.what());
    }
    seen[static_cast<size_t>(id)] = true;
  }
  return WhisperTokenizer(std::move(tokens), num_languages);
}

WhisperTokenizer WhisperTokenizer::for_model(std::vector<std::string> tokens, int n_vocab) {
  const bool multilingual = n_vocab >= 51865;
  const int langs = num_languages_for(n_vocab, multilingual);
  if (static_cast<int>(tokens.size()) != (multilingual ? 50257 : 50256))
    throw FormatError("whisper vocabulary", std::to_string(tokens.size()) + " regular tokens do not fit n_vocab " +
                                                std::to_string(n_vocab));
  return WhisperTokenizer(std::move(tokens), langs);
}

const WhisperTokenizer& WhisperTokenizer::embedded(bool multilingual, int num_languages) {
  static std::mutex mu;
  static std::map<std::pair<bool, int>, std::unique_ptr<WhisperTokenizer>> cache;
  std::lock_guard lock(mu);
  auto& slot = cache[{multilingual, num_languages}];
  if (!slot) {
    const char* name = multilingual ? "whisper/multilingual.tiktoken" : "whisper/gpt2.tiktoken";
    slot = std::make_unique<WhisperTokenizer>(from_tiktoken(assets::get(name), num_languages, name));
  }
  return *slot;
}

int WhisperTokenizer::num_languages_for(int n_vocab, bool multilingual) {
  const int regular = multilingual ? 50257 : 50256;
  // regular + eot + sot + languages + 6 task/control tokens + 1501 timestamps
  const int langs = n_vocab - regular - 2 - 6 - 1501;
  if (langs < 0 || langs > static_cast<int>(whisper_languages().size()))
    throw Error("whisper: n_vocab " + std::to_string(n_vocab) + " does not match a known vocabulary");
  return langs;
}

// tiktoken's byte-pair merge: repeatedly join the adjacent pair whose concatenation has the
// lowest rank (leftmost on ties) until no joined pair is a token.
void WhisperTokenizer::bpe(std::string_view piece, std::vector<int32_t>& out) const {
  if (auto it = rank_.find(std::string(piece)); it != rank_.end()) {
    out.push_back(it->second);
    return;
  }
  std::vector<size_t> cut(piece.size() + 1);
  for (size_t i = 0; i <= piece.size(); ++i) cut[i] = i;
  std::string key;
  while (cut.size() > 2) {
    int32_t best = INT32_MAX;
    size_t at = 0;
    for (size_t i = 0; i + 2 < cut.size(); ++i) {
      key.assign(piece.substr(cut[i], cut[i + 2] - cut[i]));
      if (auto it = rank_.find(key); it != rank_.end() && it->second < best) {
        best = it->second;
        at = i;
      }
    }
    if (best == INT32_MAX) break;
    cut.erase(cut.begin() + static_cast<ptrdiff_t>(at + 1));
  }
  for (size_t i = 0; i + 1 < cut.size(); ++i) out.push_back(rank_.at(std::string(piece.substr(cut[i], cut[i + 1] - cut[i]))));
}

std::vector<int32_t> WhisperTokenizer::encode(std::string_view text) const {
  std::vector<int32_t> ids;
  for (const std::string& piece : pre_tokenizer_.findall(to_utf8(to_utf32(text)))) bpe(piece, ids);
  return ids;
}

std::string WhisperTokenizer::token_text(int32_t id) const {
  if (id < 0 || id >= n_vocab()) throw Error("whisper token id " + std::to_string(id) + " out of range");
  if (id < eot_) return tokens_[static_cast<size_t>(id)];
  if (id == eot_) return "<|endoftext|>";
  if (id == sot()) return "<|startoftranscript|>";
  if (id < translate()) return "<|" + std::string(whisper_languages()[static_cast<size_t>(id - sot() - 1)].code) + "|>";
  if (id == translate()) return "<|translate|>";
  if (id == transcribe()) return "<|transcribe|>";
  if (id == sot_lm()) return "<|startoflm|>";
  if (id == sot_prev()) return "<|startofprev|>";
  if (id == no_speech()) return "<|nospeech|>";
  if (id == no_timestamps()) return "<|notimestamps|>";
  char buf[32];
  std::snprintf(buf, sizeof buf, "<|%.2f|>", (id - timestamp_begin_) * 0.02);
  return buf;
}

std::string WhisperTokenizer::decode_bytes(const std::vector<int32_t>& ids) const {
  std::string out;
  for (int32_t id : ids) out += token_text(id);
  return out;
}

std::string WhisperTokenizer::decode(const std::vector<int32_t>& ids) const {
  std::vector<int32_t> kept;
  for (int32_t id : ids)
    if (id < timestamp_begin_) kept.push_back(id);
  return utf8_replace_invalid(decode_bytes(kept));
}

std::string WhisperTokenizer::decode_with_timestamps(const std::vector<int32_t>& ids) const {
  return utf8_replace_invalid(decode_bytes(ids));
}

int32_t WhisperTokenizer::language_token(std::string_view s) const {
  const auto idx = whisper_language_index(s);
  if (!idx || static_cast<int>(*idx) >= num_languages_)
    throw Error("whisper: language '" + std::string(s) + "' is not in this model's " +
                std::to_string(num_languages_) + " languages");
  return sot() + 1 + static_cast<int32_t>(*idx);
}

std::vector<int32_t> WhisperTokenizer::all_language_tokens() const {
  std::vector<int32_t> out;
  for (int i = 0; i < num_languages_; ++i) out.push_back(sot() + 1 + i);
  return out;
}

std::vector<int32_t> WhisperTokenizer::sot_sequence(std::optional<std::string_view> language,
                                                    std::optional<std::string_view> task) const {
  std::vector<int32_t> seq{sot()};
  if (language) seq.push_back(language_token(*language));
  if (task) {
    if (*task == "transcribe") seq.push_back(transcribe());
    else if (*task == "translate") seq.push_back(translate());
    else throw Error("whisper: task must be 'transcribe' or 'translate', not '" + std::string(*task) + "'");
  }
  return seq;
}

std::vector<int32_t> WhisperTokenizer::non_speech_tokens() const {
  // openai-whisper's list: single-token symbols (bare or after a space), the first token of the
  // music symbols U+2669..U+266F, and " -" / " '" (allowed only between words).
  std::vector<std::string> symbols;
  for (const char* s : {"\"", "#", "(", ")", "*", "+", "/", ":", ";", "<", "=", ">", "@", "[", "\\", "]", "^",
                        "_", "`", "{", "|", "}", "~", "「", "」", "『", "』"})
    symbols.emplace_back(s);
  for (const char* s : {"<<", ">>", "<<<", ">>>", "--", "---", "-(", "-[", "('", "(\"", "((", "))", "(((", ")))",
                        "[[", "]]", "{{", "}}", "♪♪", "♪♪♪"})
    symbols.emplace_back(s);
  const std::vector<std::string> misc = {"♩", "♪", "♫", "♬", "♭", "♮", "♯"};
  std::set<int32_t> result{encode(" -")[0], encode(" '")[0]};
  auto consider = [&](const std::string& sym, bool is_misc) {
    for (const std::string& t : {sym, " " + sym}) {
      const auto ids = encode(t);
      if (ids.size() == 1 || is_misc) result.insert(ids[0]);
    }
  };
  for (const auto& s : symbols) consider(s, false);
  for (const auto& s : misc) consider(s, true);
  return {result.begin(), result.end()};
}

}  // namespace vkflow::text
