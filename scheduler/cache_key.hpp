#pragma once
// Content-addressed cache keys. A node's key hashes its type, its literal inputs (after
// defaults), the keys of the nodes its links come from (so a change anywhere upstream
// changes every key below it), and for string inputs that name files (images, audio,
// models) the file's identity: canonical path, size and modification time.
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "graph/node_schema.hpp"
#include "graph/workflow.hpp"
#include "nodes/run_context.hpp"

namespace vkflow::scheduler {

using CacheKey = std::string;  // 32 hex digits

// 128-bit streaming hash (two independent FNV-1a lanes with length framing). Not
// cryptographic: keys only need to separate honest inputs.
class Hasher {
 public:
  Hasher& add(std::string_view bytes);
  Hasher& add_json(const nlohmann::json& j) { return add(j.dump()); }
  CacheKey hex() const;

 private:
  uint64_t a_ = 0xcbf29ce484222325ull, b_ = 0x84222325cbf29ce4ull;
};

// `upstream` maps node ids to their keys (computed earlier in topological order).
CacheKey node_key(const graph::NodeDoc& node, const graph::NodeSchema& schema,
                  const std::map<std::string, CacheKey>& upstream, const nodes::RunEnv& env);

// "path|size|mtime" of the file a path or model input names ("" for other inputs, or when
// the file does not exist).
std::string file_identity(const graph::InputSpec& spec, const std::string& value, const nodes::RunEnv& env);

}  // namespace vkflow::scheduler
