#include "runtime/text/weighted_chunks.hpp"

#include "runtime/core/error.hpp"
#include "runtime/text/prompt_weights.hpp"

namespace vkflow::text {

std::vector<std::vector<WeightedToken>> tokenize_with_weights(const SegmentEncoder& encode, std::string_view prompt,
                                                              const ChunkSpec& spec) {
  const size_t fixed = (spec.start ? 1 : 0) + (spec.end ? 1 : 0);
  if (spec.max_length <= fixed) throw Error("tokenize_with_weights: chunk length leaves no room for tokens");
  const std::vector<WeightedText> segments =
      spec.weights ? parse_prompt_weights(prompt) : std::vector<WeightedText>{{std::string(prompt), 1.0}};

  std::vector<std::vector<WeightedToken>> groups;
  for (const auto& seg : segments) {
    if (seg.text.empty()) continue;
    std::vector<WeightedToken> g;
    for (int32_t id : encode(seg.text)) g.push_back({id, seg.weight});
    groups.push_back(std::move(g));
  }

  const WeightedToken pad{spec.pad, 1.0};
  auto fresh = [&] {
    std::vector<WeightedToken> c;
    if (spec.start) c.push_back({*spec.start, 1.0});
    return c;
  };
  auto close = [&](std::vector<WeightedToken>& c) {
    if (spec.end) c.push_back({*spec.end, 1.0});
  };
  const size_t room = spec.max_length - (spec.end ? 1 : 0);  // tokens before the closing EOS
  std::vector<std::vector<WeightedToken>> chunks{fresh()};
  for (auto& group : groups) {
    const bool large = group.size() >= spec.max_word_length;
    size_t at = 0;  // tokens of the group already placed
    while (at < group.size()) {
      auto& chunk = chunks.back();
      const size_t left = group.size() - at;
      if (chunk.size() + left > room) {
        const size_t remaining = room - chunk.size();
        if (large) {
          chunk.insert(chunk.end(), group.begin() + static_cast<ptrdiff_t>(at),
                       group.begin() + static_cast<ptrdiff_t>(at + remaining));
          close(chunk);
          at += remaining;
        } else {
          close(chunk);
          if (spec.pad_to_max_length) chunk.insert(chunk.end(), remaining, pad);
        }
        chunks.push_back(fresh());
      } else {
        chunk.insert(chunk.end(), group.begin() + static_cast<ptrdiff_t>(at), group.end());
        at = group.size();
      }
    }
  }
  auto& last = chunks.back();
  close(last);
  if (spec.pad_to_max_length && last.size() < spec.max_length) last.insert(last.end(), spec.max_length - last.size(), pad);
  if (spec.min_length && last.size() < *spec.min_length) last.insert(last.end(), *spec.min_length - last.size(), pad);
  return chunks;
}

std::vector<std::vector<WeightedToken>> clip_tokenize_with_weights(const ClipTokenizer& tok, std::string_view prompt,
                                                                   const ClipChunkOptions& opt) {
  ChunkSpec spec;
  spec.start = ClipTokenizer::kBos;
  spec.end = ClipTokenizer::kEos;
  spec.pad = opt.pad;
  spec.weights = opt.weights;
  return tokenize_with_weights([&](std::string_view s) { return tok.encode(s); }, prompt, spec);
}

std::vector<WeightedToken> t5_tokenize_with_weights(const T5Tokenizer& tok, std::string_view prompt, size_t min_length,
                                                    bool weights) {
  ChunkSpec spec;
  spec.end = T5Tokenizer::kEos;
  spec.pad = T5Tokenizer::kPad;
  spec.max_length = 99999999;  // ComfyUI's "no limit"
  spec.pad_to_max_length = false;
  spec.min_length = min_length;
  spec.weights = weights;
  auto chunks = tokenize_with_weights(
      [&](std::string_view s) {
        auto ids = tok.encode(s);
        ids.pop_back();  // ComfyUI drops the tokenizer's own </s> and adds its end token
        return ids;
      },
      prompt, spec);
  return std::move(chunks.front());
}

}  // namespace vkflow::text
