#pragma once
// Single-lane float32 log and sincos computed with exactly the arithmetic of the Cephes-style
// AVX routines (log256_ps / sincos256_ps) that PyTorch's CPU randn uses, including the fused
// multiply-adds GCC emits for them in the released wheels. Not general-purpose math: these
// exist so torch.randn can be reproduced bit for bit.
namespace vkflow::sampling::cephes {

float log_f32(float x);                           // x > 0
void sincos_f32(float x, float* s, float* c);     // |x| < 8192

}  // namespace vkflow::sampling::cephes
