#pragma once
// Dequantization of the GGUF block formats (Q4_0 ... Q6_K) and of the 8-bit floats,
// following ggml's reference `dequantize_row_*` arithmetic so results are bit-exact.
#include <cstdint>

#include "runtime/core/dtype.hpp"

namespace vkflow {

// Dequantizes n elements (a multiple of the block size) of block type t into dst.
// Throws Unsupported for a type that is not a GGUF block format.
void dequantize_blocks(DType t, const void* src, float* dst, int64_t n);

float f8_e4m3_to_f32(uint8_t b);  // OCP E4M3FN: bias 7, no infinities, 0x7f/0xff = NaN
float f8_e5m2_to_f32(uint8_t b);  // E5M2: the top byte of an IEEE half

}  // namespace vkflow
