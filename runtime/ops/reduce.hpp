#pragma once
// Scans and index reductions: cumsum, argmax, top-k.
#include <cstdint>
#include <utility>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "cumsum": input {x} f32; running sum along axis (normalised in params).
struct CumsumParams {
  int32_t axis = 0;
};
Tensor cumsum(const Tensor& x, int axis);

// op "argmax": input {x [..., D]} f32; output [...] i32, index of the first maximum of each
// row (NaN counts as larger than every number, as torch.argmax). No params.
Tensor argmax(const Tensor& x);

// op "topk": input {x [..., D]} f32; outputs {values [..., k] f32, indices [..., k] i32},
// largest first; equal values keep ascending index order.
struct TopkParams {
  int32_t k = 1;
};
std::pair<Tensor, Tensor> topk(const Tensor& x, int k);

}  // namespace vkflow::ops
