#pragma once
// ComfyUI's prompt emphasis syntax (comfy/sd1_clip.py token_weights), reproduced rule for rule:
//  - "(text)" multiplies the enclosing weight by 1.1; nesting multiplies again: ((x)) = 1.21.
//  - "(text:1.3)" sets the weight to 1.3 (absolute, not multiplied); the number follows the
//    last ':' inside the parentheses; if it does not parse as a number the group counts as
//    "(text:junk)" with weight x1.1 and the ':' kept in the text.
//  - "\(" and "\)" are literal parentheses. "[text]" has no meaning (ComfyUI keeps it as text).
//  - Unbalanced ")" is kept as text; an unclosed "(" keeps the rest as plain text.
#include <string>
#include <string_view>
#include <vector>

namespace vkflow::text {

struct WeightedText {
  std::string text;
  double weight = 1.0;
  bool operator==(const WeightedText&) const = default;
};

std::vector<WeightedText> parse_prompt_weights(std::string_view prompt, double base_weight = 1.0);

}  // namespace vkflow::text
