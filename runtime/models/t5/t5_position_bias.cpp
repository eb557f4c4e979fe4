#include "runtime/models/t5/t5_position_bias.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "runtime/core/error.hpp"

namespace vkflow::models {

int64_t t5_relative_bucket(int64_t relative_position, int64_t buckets, int64_t max_distance) {
  const int64_t half = buckets / 2;
  int64_t bucket = relative_position > 0 ? half : 0;
  const int64_t n = std::llabs(relative_position);
  const int64_t max_exact = half / 2;
  if (n < max_exact) return bucket + n;
  // torch: log(n.float() / max_exact) / math.log(max_distance / max_exact) * (half - max_exact),
  // every step in float32 (the Python scalars are rounded to float), then .to(long).
  const float ratio = static_cast<float>(n) / static_cast<float>(max_exact);
  const float denom = static_cast<float>(std::log(static_cast<double>(max_distance) / static_cast<double>(max_exact)));
  const float scaled = std::log(ratio) / denom * static_cast<float>(half - max_exact);
  const int64_t large = std::min<int64_t>(max_exact + static_cast<int64_t>(scaled), half - 1);
  return bucket + large;
}

Tensor t5_position_bias(Device& dev, const std::vector<float>& table, int64_t buckets, int64_t heads, int64_t len,
                        int64_t max_distance) {
  if (static_cast<int64_t>(table.size()) != buckets * heads)
    throw Error("T5 position bias: table of " + std::to_string(table.size()) + " values is not " +
                std::to_string(buckets) + " x " + std::to_string(heads));
  // One bucket per offset j - i in (-len, len): the 2·len-1 distinct values, then a gather.
  std::vector<int64_t> by_offset(static_cast<size_t>(2 * len - 1));
  for (int64_t r = -(len - 1); r < len; ++r) by_offset[r + len - 1] = t5_relative_bucket(r, buckets, max_distance);
  std::vector<float> bias(static_cast<size_t>(heads * len * len));
  for (int64_t h = 0; h < heads; ++h)
    for (int64_t i = 0; i < len; ++i) {
      float* row = bias.data() + (h * len + i) * len;
      for (int64_t j = 0; j < len; ++j) row[j] = table[by_offset[j - i + len - 1] * heads + h];
    }
  return Tensor::from_f32(dev, {1, heads, len, len}, bias);
}

}  // namespace vkflow::models
