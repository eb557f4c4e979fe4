#include "runtime/cpu/row_ops.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/cpu/vec.hpp"

namespace vkflow::cpu {

void mean_rstd(const float* x, int64_t n, float eps, float& mean, float& rstd) {
  double m = n ? sum(x, n) / n : 0.0;
  double var = n ? sum_sq_dev(x, n, static_cast<float>(m)) / n : 0.0;
  mean = static_cast<float>(m);
  rstd = static_cast<float>(1.0 / std::sqrt(var + eps));
}

void layer_norm_row(const float* x, int64_t n, float eps, const float* w, const float* b, float* y) {
  float mean, rstd;
  mean_rstd(x, n, eps, mean, rstd);
  for (int64_t i = 0; i < n; ++i) {
    float v = (x[i] - mean) * rstd;
    y[i] = v * (w ? w[i] : 1.0f) + (b ? b[i] : 0.0f);
  }
}

// erf(z) for z = |x|/sqrt(2) >= 0: 1 - poly(1 / (1 + 0.3275911 z)) * exp(-z^2).
float gelu_post(float x, float e) {
  float k = 1.0f / (1.0f + 0.3275911f * 0.70710678118654752f * std::fabs(x));
  float poly = k * (0.254829592f + k * (-0.284496736f + k * (1.421413741f + k * (-1.453152027f + k * 1.061405429f))));
  float erf_abs = 1.0f - poly * e;
  return 0.5f * x * (1.0f + (x < 0.0f ? -erf_abs : erf_abs));
}

void gelu_inplace(float* x, int64_t n) {
  float t[256];
  for (int64_t i0 = 0; i0 < n; i0 += 256) {
    const int64_t m = std::min<int64_t>(256, n - i0);
    for (int64_t j = 0; j < m; ++j) t[j] = -0.5f * x[i0 + j] * x[i0 + j];
    exp_inplace(t, m);
    for (int64_t j = 0; j < m; ++j) x[i0 + j] = gelu_post(x[i0 + j], t[j]);
  }
}

}  // namespace vkflow::cpu
