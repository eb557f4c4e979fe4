#include "graph/json_text.hpp"

#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace vkflow::graph {

SourceLoc ParsedJson::at(const std::string& pointer) const {
  auto it = locs.find(pointer);
  return it == locs.end() ? SourceLoc{} : it->second;
}

std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw Error(path.string() + ": cannot read file: " + std::strerror(errno));
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

SourceLoc offset_to_loc(const std::string& text, size_t offset) {
  if (offset > text.size()) offset = text.size();
  SourceLoc loc{1, 1, ""};
  for (size_t i = 0; i < offset; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      ++loc.line;
      loc.column = 1;
    } else if ((c & 0xC0) != 0x80) {  // count UTF-8 characters, not continuation bytes
      ++loc.column;
    }
  }
  return loc;
}

std::string pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 3,
// column 8: "; keep only what follows, since we report the position ourselves.
std::string parse_error_detail(const std::string& what) {
  auto col = what.find("column ");
  auto colon = col == std::string::npos ? what.find(": ") : what.find(": ", col);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

// A light scan over text that is already known to be valid JSON: tracks the container stack
// and records where each object key starts.
class KeyScanner {
 public:
  KeyScanner(const std::string& text, KeyLocations& out) : t_(text), out_(out) {}

  void run() {
    size_t line_start = 0;
    int line = 1;
    auto loc_of = [&](size_t i) {
      int col = 1;
      for (size_t k = line_start; k < i; ++k)
        if ((static_cast<unsigned char>(t_[k]) & 0xC0) != 0x80) ++col;
      return SourceLoc{line, col, ""};
    };
    for (size_t i = 0; i < t_.size(); ++i) {
      char c = t_[i];
      if (c == '\n') {
        ++line;
        line_start = i + 1;
      } else if (c == '{' || c == '[') {
        std::string path = value_path();
        if (stack_.empty()) out_[""] = loc_of(i);
        stack_.push_back({c == '{', path, 0, "", c == '{'});
      } else if (c == '}' || c == ']') {
        if (!stack_.empty()) stack_.pop_back();
      } else if (c == ',') {
        if (!stack_.empty()) {
          if (stack_.back().is_object) stack_.back().expect_key = true;
          else ++stack_.back().index;
        }
      } else if (c == ':') {
        if (!stack_.empty()) stack_.back().expect_key = false;
      } else if (c == '"') {
        size_t start = i;
        for (++i; i < t_.size() && t_[i] != '"'; ++i)
          if (t_[i] == '\\') ++i;
        if (!stack_.empty() && stack_.back().is_object && stack_.back().expect_key) {
          Frame& f = stack_.back();
          f.key = nlohmann::json::parse(t_.substr(start, i - start + 1)).get<std::string>();
          out_[f.path + "/" + pointer_token(f.key)] = loc_of(start);
        }
      }
    }
  }

 private:
  struct Frame {
    bool is_object;
    std::string path;
    size_t index;
    std::string key;
    bool expect_key;
  };

  std::string value_path() const {
    if (stack_.empty()) return "";
    const Frame& f = stack_.back();
    return f.path + "/" + (f.is_object ? pointer_token(f.key) : std::to_string(f.index));
  }

  const std::string& t_;
  KeyLocations& out_;
  std::vector<Frame> stack_;
};

}  // namespace

ParsedJson parse_json(const std::string& text) {
  ParsedJson r;
  try {
    r.value = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is the 1-based index of the last byte read.
    size_t offset = e.byte > 0 ? e.byte - 1 : 0;
    throw JsonSyntaxError(offset_to_loc(text, offset), parse_error_detail(e.what()));
  }
  KeyScanner(text, r.locs).run();
  return r;
}

}  // namespace vkflow::graph
