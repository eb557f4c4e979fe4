#include "runtime/text/prompt_weights.hpp"

#include <cctype>
#include <cstdlib>

namespace vkflow::text {

namespace {
// Escaped parentheses travel through parsing as control-character pairs, as ComfyUI does.
constexpr std::string_view kEscClose = std::string_view("\0\1", 2);
constexpr std::string_view kEscOpen = std::string_view("\0\2", 2);

std::string replace_all(std::string_view s, std::string_view from, std::string_view to) {
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string_view::npos; pos = hit + from.size()) {
    out.append(s.substr(pos, hit - pos));
    out.append(to);
  }
  out.append(s.substr(pos));
  return out;
}

// Top-level split into plain runs and balanced "( ... )" groups.
std::vector<std::string> split_parentheses(std::string_view s) {
  std::vector<std::string> out;
  std::string cur;
  int nesting = 0;
  for (char c : s) {
    if (c == '(') {
      if (nesting == 0) {
        if (!cur.empty()) out.push_back(std::move(cur));
        cur.assign(1, '(');
      } else {
        cur += c;
      }
      ++nesting;
    } else if (c == ')') {
      --nesting;
      if (nesting == 0) {
        cur += ')';
        out.push_back(std::move(cur));
        cur.clear();
      } else {
        cur += c;
      }
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

// Python's float(): optional surrounding whitespace, then the whole rest must be a number.
bool parse_python_float(std::string_view s, double& out) {
  std::string t(s);
  const char* b = t.c_str();
  while (*b && std::isspace(static_cast<unsigned char>(*b))) ++b;
  if (!*b) return false;
  char* end = nullptr;
  const double v = std::strtod(b, &end);
  if (end == b) return false;
  while (*end && std::isspace(static_cast<unsigned char>(*end))) ++end;
  if (*end) return false;
  // strtod also takes hex floats, which Python's float() does not.
  if (t.find("0x") != std::string::npos || t.find("0X") != std::string::npos) return false;
  out = v;
  return true;
}

void weights_rec(std::string_view s, double current, std::vector<WeightedText>& out) {
  for (const std::string& x : split_parentheses(s)) {
    if (x.size() >= 2 && x.front() == '(' && x.back() == ')') {
      std::string inner = x.substr(1, x.size() - 2);
      double w = current * 1.1;
      const size_t colon = inner.rfind(':');
      if (colon != std::string::npos && colon > 0) {
        double v;
        if (parse_python_float(std::string_view(inner).substr(colon + 1), v)) {
          w = v;
          inner.resize(colon);
        }
      }
      weights_rec(inner, w, out);
    } else {
      out.push_back({x, current});
    }
  }
}
}  // namespace

std::vector<WeightedText> parse_prompt_weights(std::string_view prompt, double base_weight) {
  std::string escaped = replace_all(prompt, "\\)", kEscClose);
  escaped = replace_all(escaped, "\\(", kEscOpen);
  std::vector<WeightedText> out;
  weights_rec(escaped, base_weight, out);
  for (auto& w : out) {
    w.text = replace_all(w.text, kEscClose, ")");
    w.text = replace_all(w.text, kEscOpen, "(");
  }
  return out;
}

}  // namespace vkflow::text
