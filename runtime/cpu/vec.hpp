#pragma once
// Vector primitives used by many kernels, with an AVX2/FMA/F16C implementation picked at run
// time (vec_avx2.cpp) and a portable one (vec.cpp). VKFLOW_NO_AVX2=1 forces the portable path.
#include <cstdint>

#include "runtime/core/dtype.hpp"

namespace vkflow::cpu {

bool use_avx2();

float dot(const float* a, const float* b, int64_t n);
void axpy(float* y, float a, const float* x, int64_t n);  // y += a * x
void scal(float* y, float a, int64_t n);                   // y *= a
// n elements of a row stored as t (f32, f16, bf16, f8, GGUF blocks) to float32.
void row_to_f32(DType t, const void* src, float* dst, int64_t n);

namespace avx2 {  // only call when use_avx2()
float dot(const float* a, const float* b, int64_t n);
void axpy(float* y, float a, const float* x, int64_t n);
void scal(float* y, float a, int64_t n);
void f16_to_f32(const uint16_t* s, float* d, int64_t n);
void bf16_to_f32(const uint16_t* s, float* d, int64_t n);
}  // namespace avx2

}  // namespace vkflow::cpu
