// CPU kernel of cast: anything to f32 (dequantizing block types in block-aligned chunks),
// f32 to f16 / bf16, and same-dtype copies.
#include <algorithm>
#include <cstring>

#include "runtime/core/convert.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/cast.hpp"

namespace vkflow::cpu {
namespace {

void cast_kernel(const OpCall& c) {
  DType to = params_of<ops::CastParams>(c).to;
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  DType from = x.dtype();
  const auto* src = static_cast<const uint8_t*>(x.host_data());
  if (from == to) {
    std::memcpy(y.host_data(), src, x.nbytes());
    return;
  }
  int64_t be = dtype_info(from).block_elems, blocks = x.numel() / be, bb = dtype_info(from).block_bytes;
  if (to == DType::F32) {
    float* d = y.data<float>();
    parallel_for(blocks, std::max<int64_t>(1, 16384 / be), [&](int64_t lo, int64_t hi) {
      row_to_f32(from, src + lo * bb, d + lo * be, (hi - lo) * be);
    });
    return;
  }
  const float* s = x.data<float>();
  auto* d = y.data<uint16_t>();
  bool half = to == DType::F16;
  parallel_for(x.numel(), 16384, [&](int64_t lo, int64_t hi) {
    if (half && use_avx2()) return avx2::f32_to_f16(s + lo, d + lo, hi - lo);
    for (int64_t i = lo; i < hi; ++i) d[i] = half ? f32_to_f16(s[i]) : f32_to_bf16(s[i]);
  });
}

bool castable(DType t) {
  const DTypeInfo& i = dtype_info(t);
  return i.floating || i.quantized || t == DType::I8 || t == DType::U8 || t == DType::I16 ||
         t == DType::I32 || t == DType::I64 || t == DType::BOOL;
}

VKFLOW_CPU_KERNEL("cast", cast_kernel, castable);

}  // namespace
}  // namespace vkflow::cpu
