#pragma once
// JSON text with positions: parse errors carry line and column (nlohmann only gives a byte
// offset), and every object key's position is recorded so diagnostics can point at a node
// or an input.
#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "graph/workflow.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::graph {

// Position of each object member, keyed by the member's JSON pointer ("/nodes/3/inputs/seed").
// The position is that of the member's key; "" (the root) is the first byte of the document.
using KeyLocations = std::map<std::string, SourceLoc>;

struct ParsedJson {
  nlohmann::json value;
  KeyLocations locs;
  SourceLoc at(const std::string& pointer) const;  // {0,0} when unknown
};

// Invalid JSON: `loc` is where the parser stopped, `detail` what it expected.
struct JsonSyntaxError : Error {
  JsonSyntaxError(SourceLoc loc, std::string detail)
      : Error("line " + std::to_string(loc.line) + ", column " + std::to_string(loc.column) +
              ": " + detail),
        loc(loc), detail(std::move(detail)) {}
  SourceLoc loc;
  std::string detail;
};

// The whole file as text; throws Error naming the file when it cannot be read.
std::string read_text_file(const std::filesystem::path& path);
// Parses `text`; throws JsonSyntaxError on invalid JSON.
ParsedJson parse_json(const std::string& text);
// 1-based line and column (in characters, not bytes) of a byte offset into `text`.
SourceLoc offset_to_loc(const std::string& text, size_t offset);
// Escapes one JSON pointer token ("~" -> "~0", "/" -> "~1").
std::string pointer_token(const std::string& key);

}  // namespace vkflow::graph
