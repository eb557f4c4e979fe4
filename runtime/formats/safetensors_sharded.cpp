#include "runtime/formats/safetensors_sharded.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <unordered_set>

#include "runtime/core/error.hpp"

namespace vkflow::formats {

std::unique_ptr<ShardedSafetensors> ShardedSafetensors::open(const std::filesystem::path& index_json) {
  const std::string where = index_json.string();
  auto idx = MappedFile::open(index_json);
  if (idx->size() > (64u << 20)) throw FormatError(where, "index is implausibly large");
  auto bytes = idx->range(0, idx->size(), "index");
  nlohmann::json j = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw FormatError(where, "not a JSON object");
  if (!j.contains("weight_map") || !j["weight_map"].is_object()) throw FormatError(where, "weight_map: missing or not an object");

  auto s = std::unique_ptr<ShardedSafetensors>(new ShardedSafetensors());
  s->index_ = index_json;
  if (j.contains("metadata") && j["metadata"].is_object()) s->metadata_ = j["metadata"];
  std::map<std::string, uint32_t> shard_of_file;
  std::map<std::string, std::string> expected;  // tensor -> shard file
  for (auto& [tensor, v] : j["weight_map"].items()) {
    if (!v.is_string()) throw FormatError(where, "weight_map['" + tensor + "']: not a string");
    std::string file = v.get<std::string>();
    std::filesystem::path p(file);
    if (file.empty() || p.has_parent_path() || p.is_absolute() || file == "." || file == "..")
      throw FormatError(where, "weight_map['" + tensor + "']: shard '" + file + "' is not a plain file name");
    expected[tensor] = file;
    if (!shard_of_file.count(file)) {
      shard_of_file[file] = static_cast<uint32_t>(s->shards_.size());
      s->shards_.push_back(SafetensorsFile::open(index_json.parent_path() / file));
    }
  }
  std::unordered_set<std::string> seen;
  for (auto& [file, k] : shard_of_file) {
    for (TensorInfo t : s->shards_[k].tensors()) {
      auto it = expected.find(t.name);
      if (it == expected.end() || it->second != file)
        throw FormatError(where, "tensor '" + t.name + "' is in shard '" + file + "' but the weight_map says '" +
                                     (it == expected.end() ? std::string("(absent)") : it->second) + "'");
      if (!seen.insert(t.name).second) throw FormatError(where, "tensor '" + t.name + "' appears in two shards");
      t.file = k;
      s->tensors_.push_back(std::move(t));
    }
  }
  for (auto& [tensor, file] : expected)
    if (!seen.count(tensor)) throw FormatError(where, "tensor '" + tensor + "' is missing from shard '" + file + "'");
  return s;
}

std::vector<std::shared_ptr<const MappedFile>> ShardedSafetensors::files() const {
  std::vector<std::shared_ptr<const MappedFile>> v;
  for (auto& s : shards_) v.push_back(s.file());
  return v;
}

}  // namespace vkflow::formats
