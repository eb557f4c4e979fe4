#include "runtime/text/clip_tokenizer.hpp"

#include <climits>

#include <nlohmann/json.hpp>

#include "runtime/assets/embedded_assets.hpp"
#include "runtime/core/error.hpp"
#include "runtime/text/byte_unicode.hpp"

namespace vkflow::text {

namespace {
constexpr const char* kBosText = "<|startoftext|>";
constexpr const char* kEosText = "<|endoftext|>";
// Specials are split out first (they are "normalized" added tokens, matched after lowercasing).
constexpr const char* kSpecialPattern = R"(<\|startoftext\|>|<\|endoftext\|>|(?:(?!<\|startoftext\|>|<\|endoftext\|>)[\s\S])+)";
constexpr const char* kPrePattern =
    R"('s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\p{White_Space}\p{L}\p{N}]+)";
}  // namespace

ClipTokenizer::ClipTokenizer(std::string_view vocab_json, std::string_view merges_txt,
                             const std::string& origin)
    : special_split_(kSpecialPattern), pre_tokenizer_(kPrePattern), whitespace_(R"(\p{White_Space}+)") {
  nlohmann::json vocab;
  try {
    vocab = nlohmann::json::parse(vocab_json);
  } catch (const std::exception& e) {
    throw FormatError(origin + " vocab.json", e.what());
  }
  if (!vocab.is_object() || vocab.empty()) throw FormatError(origin + " vocab.json", "not a token -> id object");
  id_to_token_.resize(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it->is_number_integer()) throw FormatError(origin + " vocab.json", "id of '" + it.key() + "' is not an integer");
    const auto id = it->get<int64_t>();
    if (id < 0 || id >= static_cast<int64_t>(vocab.size()))
      throw FormatError(origin + " vocab.json", "id " + std::to_string(id) + " out of range");
    id_to_token_[static_cast<size_t>(id)] = it.key();
    token_to_id_[it.key()] = static_cast<int32_t>(id);
  }
  // merges.txt: an optional "#version" line, then one "left right" pair per line, by rank.
  int32_t rank = 0;
  size_t pos = 0;
  while (pos < merges_txt.size()) {
    size_t end = merges_txt.find('\n', pos);
    if (end == std::string_view::npos) end = merges_txt.size();
    std::string_view line = merges_txt.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || (rank == 0 && line.starts_with("#version"))) continue;
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp + 1 == line.size())
      throw FormatError(origin + " merges.txt", "line " + std::to_string(rank + 2) + " is not a pair");
    merge_rank_.emplace(std::string(line), rank++);
  }
  for (const char* t : {kBosText, kEosText})
    if (!token_to_id_.contains(t)) throw FormatError(origin + " vocab.json", std::string("lacks ") + t);
}

const ClipTokenizer& ClipTokenizer::embedded() {
  static const ClipTokenizer tok(assets::get("clip_tokenizer/vocab.json"), assets::get("clip_tokenizer/merges.txt"),
                                 "embedded CLIP tokenizer");
  return tok;
}

void ClipTokenizer::bpe_word(const std::string& word, std::vector<int32_t>& out) const {
  // Symbols are the byte-level characters of the word; the last one carries "</w>".
  std::vector<std::string> sym;
  for (size_t i = 0; i < word.size();) {
    const size_t n = utf8_length(static_cast<unsigned char>(word[i]));
    sym.emplace_back(word.substr(i, n));
    i += n;
  }
  if (sym.empty()) return;
  sym.back() += "</w>";
  while (sym.size() > 1) {
    int32_t best = INT32_MAX;
    size_t at = 0;
    for (size_t i = 0; i + 1 < sym.size(); ++i) {
      auto it = merge_rank_.find(sym[i] + ' ' + sym[i + 1]);
      if (it != merge_rank_.end() && it->second < best) {
        best = it->second;
        at = i;
      }
    }
    if (best == INT32_MAX) break;
    // Merge every occurrence of the winning pair, left to right.
    const std::string left = sym[at], right = sym[at + 1];
    std::vector<std::string> next;
    next.reserve(sym.size());
    for (size_t i = 0; i < sym.size();) {
      if (i + 1 < sym.size() && sym[i] == left && sym[i + 1] == right) {
        next.push_back(left + right);
        i += 2;
      } else {
        next.push_back(sym[i++]);
      }
    }
    sym.swap(next);
  }
  for (const auto& s : sym) {
    auto it = token_to_id_.find(s);
    out.push_back(it == token_to_id_.end() ? kEos : it->second);  // unk is <|endoftext|>
  }
}

std::vector<int32_t> ClipTokenizer::encode(std::string_view raw) const {
  const std::string valid = to_utf8(to_utf32(raw));
  const std::string text = lowercase(whitespace_.replace_all(nfc(valid), " "));
  std::vector<int32_t> ids;
  for (const std::string& piece : special_split_.findall(text)) {
    if (piece == kBosText) {
      ids.push_back(kBos);
    } else if (piece == kEosText) {
      ids.push_back(kEos);
    } else {
      for (const std::string& word : pre_tokenizer_.findall(piece)) bpe_word(bytes_to_unicode_text(word), ids);
    }
  }
  return ids;
}

std::vector<int32_t> ClipTokenizer::encode_full(std::string_view text) const {
  std::vector<int32_t> ids{kBos};
  for (int32_t id : encode(text)) ids.push_back(id);
  ids.push_back(kEos);
  return ids;
}

std::vector<int32_t> ClipTokenizer::encode_padded(std::string_view text, size_t max_length, int32_t pad) const {
  if (max_length < 2) throw Error("CLIP max_length must be at least 2");
  std::vector<int32_t> ids{kBos};
  for (int32_t id : encode(text)) {
    if (ids.size() + 1 >= max_length) break;
    ids.push_back(id);
  }
  ids.push_back(kEos);
  ids.resize(max_length, pad);
  return ids;
}

std::string ClipTokenizer::decode(const std::vector<int32_t>& ids) const {
  std::string text;
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= id_to_token_.size())
      throw Error("CLIP token id " + std::to_string(id) + " out of range");
    text += id_to_token_[static_cast<size_t>(id)];
  }
  std::string out;
  size_t pos = 0;
  // "</w>" marks a word end; everything else is byte-level text.
  while (pos <= text.size()) {
    const size_t end = std::min(text.find("</w>", pos), text.size());
    out += unicode_text_to_bytes(std::string_view(text).substr(pos, end - pos));
    if (end == text.size()) break;
    out += ' ';
    pos = end + 4;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace vkflow::text
