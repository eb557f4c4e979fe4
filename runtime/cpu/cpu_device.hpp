#pragma once
// The CPU backend (thread pool, SIMD kernels chosen at run time, OpenBLAS GEMM).
#include "runtime/core/device.hpp"

namespace vkflow::cpu {
// The process-wide CPU device.
Device& device();
}  // namespace vkflow::cpu
