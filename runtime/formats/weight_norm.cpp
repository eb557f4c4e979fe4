#include "runtime/formats/weight_norm.hpp"

#include <cmath>

#include "runtime/core/error.hpp"

namespace vkflow::formats {

std::vector<float> fold_weight_norm(const std::vector<float>& g, const Shape& gs, const std::vector<float>& v,
                                    const Shape& vs, const std::string& where) {
  if (gs.size() != vs.size() && !(gs.size() == 1 && gs[0] == vs[0]))
    throw FormatError(where, "weight_g " + to_string(gs) + " does not fit weight_v " + to_string(vs));
  // Kept dimension: where g's size equals v's and is not 1 (g [n] alone means dim 0).
  int kept = -1;
  Shape g_full = gs.size() == vs.size() ? gs : Shape(vs.size(), 1);
  if (gs.size() != vs.size()) g_full[0] = gs[0];
  for (size_t i = 0; i < vs.size(); ++i) {
    if (g_full[i] == vs[i] && vs[i] != 1) {
      if (kept >= 0) throw FormatError(where, "weight_g " + to_string(gs) + " keeps more than one dimension");
      kept = static_cast<int>(i);
    } else if (g_full[i] != 1) {
      throw FormatError(where, "weight_g " + to_string(gs) + " does not fit weight_v " + to_string(vs));
    }
  }
  const int64_t n = numel(vs);
  if (static_cast<int64_t>(v.size()) != n || static_cast<int64_t>(g.size()) != numel(g_full))
    throw FormatError(where, "weight norm sizes do not match their shapes");
  int64_t outer = 1, k = 1, inner = 1;  // v viewed as [outer, k, inner] around the kept dim
  if (kept >= 0) {
    for (int i = 0; i < kept; ++i) outer *= vs[i];
    k = vs[kept];
    for (size_t i = kept + 1; i < vs.size(); ++i) inner *= vs[i];
  } else {
    inner = n;
  }
  std::vector<double> sq(k, 0.0);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < k; ++j)
      for (int64_t i = 0; i < inner; ++i) {
        double x = v[(o * k + j) * inner + i];
        sq[j] += x * x;
      }
  std::vector<float> w(n);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t j = 0; j < k; ++j) {
      float scale = sq[j] > 0 ? static_cast<float>(g[j] / std::sqrt(sq[j])) : 0.0f;
      for (int64_t i = 0; i < inner; ++i) w[(o * k + j) * inner + i] = v[(o * k + j) * inner + i] * scale;
    }
  return w;
}

}  // namespace vkflow::formats
