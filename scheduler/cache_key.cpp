#include "scheduler/cache_key.hpp"

#include <cstdio>

#include "nodes/inputs.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::scheduler {
namespace fs = std::filesystem;

namespace {
constexpr std::string_view kSalt = "vkflow-cache-v1";  // bump when value layouts change

void mix(uint64_t& h, uint64_t prime, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= prime;
  }
}
}  // namespace

Hasher& Hasher::add(std::string_view bytes) {
  // Length framing keeps ("ab","c") and ("a","bc") apart.
  std::string len = std::to_string(bytes.size()) + ":";
  mix(a_, 0x100000001b3ull, len);
  mix(a_, 0x100000001b3ull, bytes);
  mix(b_, 0x9e3779b97f4a7c15ull, len);  // second lane: another odd multiplier
  mix(b_, 0x9e3779b97f4a7c15ull, bytes);
  return *this;
}

CacheKey Hasher::hex() const {
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a_),
                static_cast<unsigned long long>(b_));
  return buf;
}

std::string file_identity(const graph::InputSpec& spec, const std::string& value, const nodes::RunEnv& env) {
  if (value.empty() || (!spec.file_path && spec.model_folder.empty())) return "";
  std::vector<fs::path> candidates;
  if (!spec.model_folder.empty() && !env.models_dir.empty())
    candidates.push_back(env.models_dir / spec.model_folder / value);
  candidates.push_back(nodes::resolve_input_path(env, value));
  for (const auto& p : candidates) {
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) continue;
    auto canon = fs::canonical(p, ec);
    auto size = fs::file_size(p, ec);
    auto mtime = fs::last_write_time(p, ec).time_since_epoch().count();
    if (ec) continue;
    return canon.string() + "|" + std::to_string(size) + "|" + std::to_string(mtime);
  }
  return "";
}

CacheKey node_key(const graph::NodeDoc& node, const graph::NodeSchema& schema,
                  const std::map<std::string, CacheKey>& upstream, const nodes::RunEnv& env) {
  Hasher h;
  h.add(kSalt).add(schema.type);
  // Walk the schema's inputs (not the document's): defaults count, order is fixed.
  for (const auto& spec : schema.inputs) {
    h.add(spec.name);
    auto it = node.inputs.find(spec.name);
    if (it == node.inputs.end()) {
      h.add("default").add_json(spec.default_value);
      continue;
    }
    if (const auto* link = std::get_if<graph::Link>(&it->second)) {
      auto up = upstream.find(link->node);
      if (up == upstream.end()) throw Error("cache key: node '" + node.id + "' links to '" + link->node + "' before its key is known");
      h.add("link").add(up->second).add(link->output);
      continue;
    }
    const auto& lit = std::get<nlohmann::json>(it->second);
    h.add("literal").add_json(lit);
    if (lit.is_string()) h.add(file_identity(spec, lit.get<std::string>(), env));
  }
  return h.hex();
}

}  // namespace vkflow::scheduler
