#pragma once
// The in-memory workflow document (format v1, see workflows/README.md): nodes keyed by id,
// each with a type, inputs (literal or link), an optional device pin and title.
// Parsing, ComfyUI import, template expansion and validation produce and check this.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace vkflow::graph {

struct Link {
  std::string node;    // id of the producing node
  std::string output;  // name of its output
  bool operator==(const Link&) const = default;
};

// An input holds a JSON literal or a link to another node's output.
using InputValue = std::variant<nlohmann::json, Link>;

enum class DevicePin { Auto, Vulkan, Cpu };
const char* to_string(DevicePin p);

struct SourceLoc {
  int line = 0, column = 0;  // 1-based; 0 when unknown
  std::string file;          // "" = the workflow's own file; set for nodes from a template file
};

struct NodeDoc {
  std::string id;
  std::string type;
  std::string title;
  DevicePin device = DevicePin::Auto;
  std::map<std::string, InputValue> inputs;
  SourceLoc loc;
  std::map<std::string, SourceLoc> input_locs;  // where each input was written, when known
  // Inputs bound to a template parameter whose value was already reported as bad or missing:
  // validation does not report them a second time.
  std::set<std::string> reported_inputs;
};

struct Workflow {
  std::map<std::string, NodeDoc> nodes;
  std::string source;          // file it came from ("" when built in memory)
  nlohmann::json original;     // the document as read, embedded into outputs (PNG text chunks)
  bool from_comfyui = false;   // imported from ComfyUI API format
  std::string description;     // optional top-level "description"
};

}  // namespace vkflow::graph
