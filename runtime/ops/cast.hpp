#pragma once
// dtype conversion / copy: any float, f8, integer or GGUF block type to f32 (dequantize);
// f32 to f16 / bf16 (round to nearest even); a same-dtype cast is a plain copy.
#include <cstdint>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "cast": input {x}; output same shape with dtype `to`. Device::supports("cast", x.dtype()).
struct CastParams {
  DType to = DType::F32;
};
Tensor cast(const Tensor& x, DType to);
Tensor copy(const Tensor& x);  // a new tensor with the same bytes

}  // namespace vkflow::ops
