#include "runtime/text/clip_chunks.hpp"

#include "runtime/core/error.hpp"
#include "runtime/text/prompt_weights.hpp"

namespace vkflow::text {

std::vector<std::vector<WeightedToken>> clip_tokenize_with_weights(const ClipTokenizer& tok,
                                                                   std::string_view prompt,
                                                                   const ClipChunkOptions& opt) {
  if (opt.max_length < 3) throw Error("CLIP chunk length must be at least 3");
  const std::vector<WeightedText> segments =
      opt.weights ? parse_prompt_weights(prompt) : std::vector<WeightedText>{{std::string(prompt), 1.0}};

  std::vector<std::vector<WeightedToken>> groups;
  for (const auto& seg : segments) {
    if (seg.text.empty()) continue;
    std::vector<WeightedToken> g;
    for (int32_t id : tok.encode(seg.text)) g.push_back({id, seg.weight});
    groups.push_back(std::move(g));
  }

  const WeightedToken bos{ClipTokenizer::kBos, 1.0}, eos{ClipTokenizer::kEos, 1.0}, pad{opt.pad, 1.0};
  const size_t room = opt.max_length - 1;  // tokens before the closing EOS
  std::vector<std::vector<WeightedToken>> chunks{{bos}};
  for (auto& group : groups) {
    const bool large = group.size() >= opt.max_word_length;
    size_t at = 0;  // tokens of the group already placed
    while (at < group.size()) {
      auto& chunk = chunks.back();
      const size_t left = group.size() - at;
      if (chunk.size() + left > room) {
        const size_t remaining = room - chunk.size();
        if (large) {
          chunk.insert(chunk.end(), group.begin() + static_cast<ptrdiff_t>(at),
                       group.begin() + static_cast<ptrdiff_t>(at + remaining));
          chunk.push_back(eos);
          at += remaining;
        } else {
          chunk.push_back(eos);
          chunk.insert(chunk.end(), remaining, pad);
        }
        chunks.push_back({bos});
      } else {
        chunk.insert(chunk.end(), group.begin() + static_cast<ptrdiff_t>(at), group.end());
        at = group.size();
      }
    }
  }
  auto& last = chunks.back();
  last.push_back(eos);
  if (last.size() < opt.max_length) last.insert(last.end(), opt.max_length - last.size(), pad);
  return chunks;
}

}  // namespace vkflow::text
