#pragma once
// What a workflow node type looks like from the outside: its typed inputs (ports and
// parameters) and outputs. The node registry (nodes/) provides these; graph/ validates
// workflows against them without knowing anything about tensors or devices.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace vkflow::graph {

// Port and parameter types. Open set: a node family may introduce its own handle type.
namespace types {
inline constexpr std::string_view INT = "INT";
inline constexpr std::string_view FLOAT = "FLOAT";
inline constexpr std::string_view STRING = "STRING";
inline constexpr std::string_view BOOL = "BOOL";
inline constexpr std::string_view IMAGE = "IMAGE";
inline constexpr std::string_view MASK = "MASK";
inline constexpr std::string_view LATENT = "LATENT";
inline constexpr std::string_view CONDITIONING = "CONDITIONING";
inline constexpr std::string_view MODEL = "MODEL";
inline constexpr std::string_view CLIP = "CLIP";
inline constexpr std::string_view VAE = "VAE";
inline constexpr std::string_view AUDIO = "AUDIO";
inline constexpr std::string_view TRANSCRIPT = "TRANSCRIPT";
inline constexpr std::string_view WHISPER_MODEL = "WHISPER_MODEL";
inline constexpr std::string_view VOICE_MODEL = "VOICE_MODEL";
// INT, FLOAT, STRING and BOOL inputs may hold a literal or a link; the others only a link.
bool is_primitive(std::string_view type);
}  // namespace types

struct InputSpec {
  std::string name;
  std::string type;
  bool required = true;               // false: may be left out (default or absent)
  nlohmann::json default_value;       // null when there is none
  std::optional<double> min, max;     // INT/FLOAT bounds
  std::vector<std::string> choices;   // STRING enum (empty = free text)
  std::string description;
  std::string comfy_name;             // ComfyUI's input name when it differs from `name`
  // Strings naming a model file resolve against the models folder, in this subfolder
  // ("checkpoints", "vae", "whisper", ...). Empty for ordinary strings.
  std::string model_folder;
  // The string names an input file (image, audio): relative paths resolve against the current
  // folder, then the workflow's folder; the cache keys on the file's identity.
  bool file_path = false;
};

struct OutputSpec {
  std::string name;
  std::string type;
  std::string description;
};

struct NodeSchema {
  std::string type;                   // vkflow's name, e.g. "KSampler", "SaveImage"
  std::string category;               // "image", "audio", "sampling", "loaders", ...
  std::string description;
  std::vector<InputSpec> inputs;
  std::vector<OutputSpec> outputs;
  bool output_node = false;           // writes files / results: keeps its ancestors alive
  std::vector<std::string> comfy_class_types;  // ComfyUI class_type names mapped to this node
  std::vector<std::string> devices = {"cpu"};  // where it can run: "cpu", "vulkan"

  const InputSpec* input(std::string_view name) const;
  const OutputSpec* output(std::string_view name) const;
  int output_index(std::string_view name) const;  // -1 when absent
};

// How graph/ finds schemas without depending on nodes/.
using SchemaLookup = std::function<const NodeSchema*(std::string_view type)>;

}  // namespace vkflow::graph
