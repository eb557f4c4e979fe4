#pragma once
// Small shared pieces of the model-family estimators: activation sizes, attention options.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/models/footprint.hpp"

namespace vkflow::models {

// Bytes of `elems` activations of `act_bytes` each.
inline uint64_t act_bytes(double elems, int act_bytes) { return static_cast<uint64_t>(elems * act_bytes); }

// Attention options, fastest first: the full score matrix, then query chunks of 1024 and 256
// rows (memory-efficient attention: scores for one chunk at a time). 0 means full.
inline std::vector<int64_t> attention_chunks(int64_t queries) {
  std::vector<int64_t> c = {0};
  for (int64_t k : {1024, 256})
    if (k < queries) c.push_back(k);
  return c;
}
inline std::string attention_label(int64_t chunk) {
  return chunk ? "attention chunk " + std::to_string(chunk) : "full attention";
}
// Rows of the score matrix held at once.
inline int64_t score_rows(int64_t chunk, int64_t queries) { return chunk ? std::min(chunk, queries) : queries; }

// Chunked attention re-reads K and V once per chunk; a few percent slower per halving.
inline double chunk_slowdown(int64_t chunk) { return chunk == 0 ? 1.0 : (chunk >= 1024 ? 1.05 : 1.15); }

}  // namespace vkflow::models
