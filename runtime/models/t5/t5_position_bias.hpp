#pragma once
// T5's relative-position attention bias: block 0 holds a table [buckets, heads]; every
// block adds the same bias[h, i, j] = table[bucket(j - i), h] to its attention scores.
#include <cstdint>
#include <vector>

#include "runtime/core/tensor.hpp"

namespace vkflow::models {

// transformers T5Attention._relative_position_bucket, bidirectional (the encoder): half the
// buckets for keys after the query; within a half, exact offsets below buckets/4, then
// log-spaced up to max_distance (float32 arithmetic, truncated, as torch computes it).
int64_t t5_relative_bucket(int64_t relative_position, int64_t buckets, int64_t max_distance);

// The bias [1, heads, len, len] f32 on `dev` from the host copy of the table (row-major
// [buckets, heads]).
Tensor t5_position_bias(Device& dev, const std::vector<float>& table, int64_t buckets, int64_t heads, int64_t len,
                        int64_t max_distance);

}  // namespace vkflow::models
