// CPU kernels of get_rows (rows dequantized one at a time), rope and timestep_embedding.
#include <cmath>
#include <string>

#include "runtime/core/error.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/embedding.hpp"

namespace vkflow::cpu {
namespace {

void get_rows_kernel(const OpCall& c) {
  const Tensor &table = c.inputs[0], &ids = c.inputs[1];
  int64_t V = table.dim(0), D = table.dim(1), n = ids.numel();
  auto id_at = [&](int64_t i) -> int64_t {
    return ids.dtype() == DType::I32 ? ids.data<int32_t>()[i] : ids.data<int64_t>()[i];
  };
  for (int64_t i = 0; i < n; ++i)
    if (id_at(i) < 0 || id_at(i) >= V)
      throw Error("get_rows: id " + std::to_string(id_at(i)) + " at position " + std::to_string(i) +
                  " is outside the table of " + std::to_string(V) + " rows");
  const auto* tb = static_cast<const uint8_t*>(table.host_data());
  size_t row_bytes = dtype_bytes(table.dtype(), D);
  float* y = out_f32(c);
  parallel_for(n, 16, [&](int64_t lo, int64_t hi) {
    for (int64_t i = lo; i < hi; ++i) row_to_f32(table.dtype(), tb + id_at(i) * row_bytes, y + i * D, D);
  });
}

void rope_kernel(const OpCall& c) {
  const auto& p = params_of<ops::RopeParams>(c);
  const Tensor &xt = c.inputs[0], &ct = c.inputs[1];
  int64_t B = xt.dim(0), H = xt.dim(1), L = xt.dim(2), D = xt.dim(3), half = D / 2;
  bool per_batch = ct.rank() == 3 && ct.dim(0) == B && B > 1;
  const float *x = xt.data<float>(), *cs = ct.data<float>(), *sn = in_f32(c, 2);
  float* y = out_f32(c);
  parallel_for(B * H * L, 16, [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      int64_t b = r / (H * L), l = r % L;
      const float* cr = cs + ((per_batch ? b : 0) * L + l) * half;
      const float* sr = sn + ((per_batch ? b : 0) * L + l) * half;
      const float* xr = x + r * D;
      float* yr = y + r * D;
      for (int64_t i = 0; i < half; ++i) {
        int64_t ia = p.interleaved ? 2 * i : i, ib = p.interleaved ? 2 * i + 1 : i + half;
        float a = xr[ia], bb = xr[ib];
        yr[ia] = a * cr[i] - bb * sr[i];
        yr[ib] = a * sr[i] + bb * cr[i];
      }
    }
  });
}

void timestep_embedding_kernel(const OpCall& c) {
  const auto& p = params_of<ops::TimestepEmbeddingParams>(c);
  const float* t = in_f32(c, 0);
  int64_t N = c.inputs[0].dim(0), half = p.dim / 2;
  float* y = out_f32(c);
  for (int64_t n = 0; n < N; ++n) {
    float* yr = y + n * p.dim;
    for (int64_t i = 0; i < half; ++i) {
      // float32 steps in diffusers' order: exponent, exp, times t, times scale.
      float e = -std::log(p.max_period) * static_cast<float>(i) / (static_cast<float>(half) - p.downscale_freq_shift);
      float a = p.scale * (t[n] * std::exp(e));
      yr[p.flip_sin_to_cos ? half + i : i] = std::sin(a);
      yr[p.flip_sin_to_cos ? i : half + i] = std::cos(a);
    }
    if (p.dim % 2) yr[p.dim - 1] = 0.0f;
  }
}

VKFLOW_CPU_KERNEL("get_rows", get_rows_kernel, weight_type);
VKFLOW_CPU_KERNEL("rope", rope_kernel, f32_only);
VKFLOW_CPU_KERNEL("timestep_embedding", timestep_embedding_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
