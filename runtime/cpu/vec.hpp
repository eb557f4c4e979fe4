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
void exp_inplace(float* x, int64_t n);  // x = exp(x), within 2 ulp; exp(-inf) = 0
float scale_max(float* x, int64_t n, float s);        // x *= s; returns max(x) (-inf if n = 0)
float exp_shift_sum(float* x, int64_t n, float shift);  // x = exp(x - shift); returns the sum
// sum of (x - c)^2 and sum of x (c = 0), in float lanes per 1024-element block, double across.
double sum_sq_dev(const float* x, int64_t n, float c);
double sum(const float* x, int64_t n);
// n elements of a row stored as t (f32, f16, bf16, f8, GGUF blocks) to float32.
void row_to_f32(DType t, const void* src, float* dst, int64_t n);

namespace avx2 {  // only call when use_avx2()
float dot(const float* a, const float* b, int64_t n);
void axpy(float* y, float a, const float* x, int64_t n);
void scal(float* y, float a, int64_t n);
void exp_inplace(float* x, int64_t n);
float scale_max(float* x, int64_t n, float s);
float exp_shift_sum(float* x, int64_t n, float shift);
double sum_sq_dev(const float* x, int64_t n, float c);
double sum(const float* x, int64_t n);
void f16_to_f32(const uint16_t* s, float* d, int64_t n);
void f32_to_f16(const float* s, uint16_t* d, int64_t n);  // round to nearest even (F16C)
float dot_f16(const float* a, const uint16_t* b, int64_t n);  // a . float(b)
float dot_bf16(const float* a, const uint16_t* b, int64_t n);
// Bit-exact vector dequantization of some GGUF block types; false = type not handled here.
bool dequantize_row(DType t, const void* src, float* dst, int64_t n);
void bf16_to_f32(const uint16_t* s, float* d, int64_t n);
}  // namespace avx2

}  // namespace vkflow::cpu
