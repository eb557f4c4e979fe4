#pragma once
// Row helpers shared by several CPU kernels, so fused kernels compute exactly what the
// separate ops do: layer-norm statistics (layer_norm, group_norm, linear_fused's prologue)
// and the erf GELU (gelu, linear_fused's epilogue).
#include <cstdint>

namespace vkflow::cpu {

// Mean and 1/sqrt(var + eps) of n floats (sums in double across float blocks).
void mean_rstd(const float* x, int64_t n, float eps, float& mean, float& rstd);
// y = (x - mean) * rstd * w + b over one row of n (w, b may be null: 1 and 0).
void layer_norm_row(const float* x, int64_t n, float eps, const float* w, const float* b, float* y);

// erf GELU from e = exp(-x^2 / 2) (Abramowitz & Stegun 7.1.26, |error| <= 1.5e-7).
float gelu_post(float x, float e);
// x = gelu(x) in place, through the vectorised exp.
void gelu_inplace(float* x, int64_t n);

}  // namespace vkflow::cpu
