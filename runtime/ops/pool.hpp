#pragma once
// Average pooling (PyTorch AvgPool1d / AvgPool2d, ceil_mode = False).
#include <cstdint>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "avg_pool2d": input {x [N, C, H, W]} f32 -> [N, C, OH, OW];
// op "avg_pool1d": input {x [N, C, L]} f32 -> [N, C, OL] (the *_h fields are 1/0).
// count_include_pad = 1 divides by the full window (PyTorch default), 0 by the valid part.
struct AvgPoolParams {
  int32_t kernel_h = 1, kernel_w = 1;
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_h = 0, pad_w = 0;
  int32_t count_include_pad = 1;
};
Tensor avg_pool2d(const Tensor& x, int kernel, int stride = 0, int pad = 0, bool count_include_pad = true);
Tensor avg_pool1d(const Tensor& x, int kernel, int stride = 0, int pad = 0, bool count_include_pad = true);
Tensor avg_pool(const Tensor& x, AvgPoolParams p);  // rank picks the op

}  // namespace vkflow::ops
