#include "runtime/text/t5_tokenizer.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "runtime/assets/embedded_assets.hpp"
#include "runtime/core/error.hpp"
#include "runtime/text/base64.hpp"

namespace vkflow::text {

namespace {
constexpr std::string_view kMeta = "\xE2\x96\x81";  // U+2581 "▁"

// The normaliser chain must be what T5's tokenizer.json holds; anything else is refused
// rather than silently tokenised differently.
std::string charsmap_of(const nlohmann::json& norm, const std::string& origin) {
  if (!norm.is_object() || norm.value("type", "") != "Sequence" || !norm.contains("normalizers"))
    throw FormatError(origin, "normalizer is not the Sequence T5 uses");
  std::string charsmap;
  for (const auto& n : norm["normalizers"]) {
    const std::string type = n.value("type", "");
    if (type == "Precompiled") {
      charsmap = base64_decode(n.at("precompiled_charsmap").get<std::string>());
    } else if (type == "Strip") {
      if (n.value("strip_left", true) || !n.value("strip_right", false))
        throw FormatError(origin, "unsupported Strip normalizer settings");
    } else if (type == "Replace") {
      if (n["pattern"].value("Regex", "") != " {2,}" || n.value("content", "") != std::string(kMeta))
        throw FormatError(origin, "unsupported Replace normalizer");
    } else {
      throw FormatError(origin, "unsupported normalizer '" + type + "'");
    }
  }
  if (charsmap.empty()) throw FormatError(origin, "no precompiled_charsmap");
  return charsmap;
}
}  // namespace

T5Tokenizer::T5Tokenizer(std::string_view tokenizer_json, const std::string& origin) : multi_space_(" {2,}") {
  try {
    const auto j = nlohmann::json::parse(tokenizer_json);
    const auto& m = j.at("model");
    if (m.value("type", "") != "Unigram") throw FormatError(origin, "model is not Unigram");
    if (m.value("byte_fallback", false)) throw FormatError(origin, "byte_fallback unigram models are not supported");
    std::vector<std::pair<std::string, double>> pieces;
    for (const auto& p : m.at("vocab")) pieces.emplace_back(p.at(0).get<std::string>(), p.at(1).get<double>());
    model_ = std::make_unique<UnigramModel>(std::move(pieces), m.at("unk_id").get<int32_t>());
    charsmap_ = std::make_unique<PrecompiledCharsmap>(charsmap_of(j.at("normalizer"), origin));
    const auto& pre = j.at("pre_tokenizer");
    if (pre.value("type", "") != "Metaspace" || pre.value("replacement", "") != std::string(kMeta) ||
        pre.value("prepend_scheme", "") != "first")
      throw FormatError(origin, "pre_tokenizer is not Metaspace(▁, prepend_scheme first)");
    for (const auto& t : j.at("added_tokens")) {
      if (t.value("normalized", true)) throw FormatError(origin, "normalized added tokens are not supported");
      specials_.emplace_back(t.at("content").get<std::string>(), t.at("id").get<int32_t>());
    }
    std::stable_sort(specials_.begin(), specials_.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  } catch (const nlohmann::json::exception& e) {
    throw FormatError(origin, e.what());
  }
  if (model_->size() <= static_cast<size_t>(kUnk) || model_->piece(kEos) != "</s>" || model_->piece(kPad) != "<pad>")
    throw FormatError(origin, "ids 0/1/2 are not <pad>/</s>/<unk>");
}

const T5Tokenizer& T5Tokenizer::embedded() {
  static const T5Tokenizer tok(assets::get("t5_tokenizer/tokenizer.json"), "embedded T5 tokenizer");
  return tok;
}

void T5Tokenizer::encode_section(std::string_view section, bool at_start, std::vector<int32_t>& out) const {
  std::string s = charsmap_->normalize(section);
  // Strip trailing whitespace (Unicode White_Space), then collapse runs of spaces into "▁".
  std::u32string u = to_utf32(s);
  while (!u.empty() && (u.back() == U' ' || (u.back() >= 0x09 && u.back() <= 0x0D) || u.back() == 0x85 ||
                        u.back() == 0xA0 || u.back() == 0x1680 || (u.back() >= 0x2000 && u.back() <= 0x200A) ||
                        u.back() == 0x2028 || u.back() == 0x2029 || u.back() == 0x202F || u.back() == 0x205F ||
                        u.back() == 0x3000))
    u.pop_back();
  s = multi_space_.replace_all(to_utf8(u), kMeta);
  // Metaspace.
  std::string m;
  for (char c : s) {
    if (c == ' ') m += kMeta;
    else m += c;
  }
  if (m.empty()) return;  // prepending to an empty string is a no-op in tokenizers
  if (at_start && !m.starts_with(kMeta)) m.insert(0, kMeta);
  // Split before every "▁" (MergedWithNext).
  size_t begin = 0;
  while (begin < m.size()) {
    size_t next = m.find(kMeta, begin + (m.compare(begin, kMeta.size(), kMeta) == 0 ? kMeta.size() : 0));
    if (next == std::string::npos) next = m.size();
    model_->encode(std::string_view(m).substr(begin, next - begin), out);
    begin = next;
  }
}

std::vector<int32_t> T5Tokenizer::encode(std::string_view raw) const {
  const std::string text = to_utf8(to_utf32(raw));
  std::vector<int32_t> ids;
  size_t section = 0;
  for (size_t i = 0; i <= text.size();) {
    const std::pair<std::string, int32_t>* hit = nullptr;
    if (i < text.size())
      for (const auto& sp : specials_)
        if (text.compare(i, sp.first.size(), sp.first) == 0) {
          hit = &sp;
          break;
        }
    if (hit || i == text.size()) {
      if (i > section) encode_section(std::string_view(text).substr(section, i - section), section == 0, ids);
      if (!hit) break;
      ids.push_back(hit->second);
      i += hit->first.size();
      section = i;
    } else {
      ++i;
    }
  }
  ids.push_back(kEos);
  return ids;
}

std::vector<int32_t> T5Tokenizer::encode_padded(std::string_view text, size_t max_length) const {
  if (max_length < 1) throw Error("T5 max_length must be at least 1");
  std::vector<int32_t> ids = encode(text);
  if (ids.size() > max_length) {
    ids.resize(max_length - 1);
    ids.push_back(kEos);
  }
  ids.resize(max_length, kPad);
  return ids;
}

std::string T5Tokenizer::decode(const std::vector<int32_t>& ids) const {
  std::string out;
  for (int32_t id : ids) {
    if (id < 0 || static_cast<size_t>(id) >= model_->size())
      throw Error("T5 token id " + std::to_string(id) + " out of range");
    const bool special = std::any_of(specials_.begin(), specials_.end(), [&](const auto& s) { return s.second == id; });
    if (!special) out += model_->piece(id);
  }
  std::string text;
  for (size_t i = 0; i < out.size();) {
    if (out.compare(i, kMeta.size(), kMeta) == 0) {
      text += ' ';
      i += kMeta.size();
    } else {
      text += out[i++];
    }
  }
  if (!text.empty() && text.front() == ' ') text.erase(0, 1);
  return text;
}

}  // namespace vkflow::text
