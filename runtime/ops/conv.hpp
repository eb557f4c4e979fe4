#pragma once
// Convolutions in PyTorch layouts: conv2d / conv_transpose2d on [N, C, H, W] and conv1d /
// conv_transpose1d on [N, C, L]. Weights f32, f16 or bf16; bias f32 or absent.
#include <cstdint>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "conv2d": inputs {x [N, Cin, H, W] f32, w [Cout, Cin/groups, KH, KW], bias [Cout]};
// op "conv_transpose2d": inputs {x [N, Cin, H, W], w [Cin, Cout/groups, KH, KW], bias [Cout]}
// (out_pad_* only for the transpose). Output [N, Cout, OH, OW] f32.
struct Conv2dParams {
  int32_t stride_h = 1, stride_w = 1;
  int32_t pad_h = 0, pad_w = 0;
  int32_t dil_h = 1, dil_w = 1;
  int32_t groups = 1;
  int32_t out_pad_h = 0, out_pad_w = 0;
  int32_t has_bias = 0;  // set by the front-end
};
Tensor conv2d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, Conv2dParams p = {});
Tensor conv_transpose2d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, Conv2dParams p = {});

// op "conv1d": inputs {x [N, Cin, L], w [Cout, Cin/groups, K], bias [Cout]};
// op "conv_transpose1d": inputs {x [N, Cin, L], w [Cin, Cout/groups, K], bias [Cout]}.
struct Conv1dParams {
  int32_t stride = 1, pad = 0, dil = 1, groups = 1, out_pad = 0;
  int32_t has_bias = 0;  // set by the front-end
};
Tensor conv1d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, Conv1dParams p = {});
Tensor conv_transpose1d(const Tensor& x, const Tensor& w, const Tensor& bias = {}, Conv1dParams p = {});

// Output extent of a convolution / transposed convolution along one axis.
int64_t conv_out_size(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dil);
int64_t conv_transpose_out_size(int64_t in, int64_t k, int64_t stride, int64_t pad, int64_t dil, int64_t out_pad);

}  // namespace vkflow::ops
