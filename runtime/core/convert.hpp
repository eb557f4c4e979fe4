#pragma once
// Scalar conversions between storage types and float32, and dequantization of GGUF blocks.
#include <cstdint>
#include <cstring>

#include "runtime/core/dtype.hpp"

namespace vkflow {

float f16_to_f32(uint16_t h);
uint16_t f32_to_f16(float f);  // round to nearest even
inline float bf16_to_f32(uint16_t b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}
uint16_t f32_to_bf16(float f);  // round to nearest even

// Converts n elements of `src` (stored as `t`) to float32. Throws Unsupported for a type
// with no conversion (block formats need n to be a multiple of the block size).
void convert_to_f32(DType t, const void* src, float* dst, int64_t n);

}  // namespace vkflow
