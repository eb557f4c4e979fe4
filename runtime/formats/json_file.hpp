#pragma once
// A small JSON file next to model weights (config.json, model_index.json, ...), read as
// untrusted input: size-limited, parse errors become FormatError naming the file.
#include <filesystem>

#include <nlohmann/json.hpp>

namespace vkflow::formats {

nlohmann::json read_json_file(const std::filesystem::path& p);

}  // namespace vkflow::formats
