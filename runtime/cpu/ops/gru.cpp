// CPU kernel of a (bidirectional) GRU layer: the input projections of all time steps are one
// GEMM; each step then needs only h @ W_hh^T (a small GEMM) and the gate arithmetic.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime/cpu/blas.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/ops/gru.hpp"

namespace vkflow::cpu {
namespace {

float sig(float x) { return 1.0f / (1.0f + std::exp(-x)); }

void gru_kernel(const OpCall& c) {
  const auto& p = params_of<ops::GruParams>(c);
  const Tensor& xt = c.inputs[0];
  int64_t B = xt.dim(0), T = xt.dim(1), I = xt.dim(2), H = p.hidden, dirs = p.bidirectional ? 2 : 1;
  float* y = out_f32(c);
  Scratch<float> gi(B * T * 3 * H), gh(B * 3 * H), h(B * H);
  for (int64_t dir = 0; dir < dirs; ++dir) {
    const float *w_ih = in_f32(c, 1 + 4 * dir), *w_hh = in_f32(c, 2 + 4 * dir);
    const float *b_ih = in_f32(c, 3 + 4 * dir), *b_hh = in_f32(c, 4 + 4 * dir);
    sgemm(false, true, B * T, 3 * H, I, 1.0f, xt.data<float>(), I, w_ih, I, 0.0f, gi.data(), 3 * H);
    std::fill(h.data(), h.data() + B * H, 0.0f);
    for (int64_t s = 0; s < T; ++s) {
      int64_t t = dir ? T - 1 - s : s;
      for (int64_t b = 0; b < B; ++b) std::memcpy(gh.data() + b * 3 * H, b_hh, 3 * H * sizeof(float));
      sgemm(false, true, B, 3 * H, H, 1.0f, h.data(), H, w_hh, H, 1.0f, gh.data(), 3 * H);
      for (int64_t b = 0; b < B; ++b) {
        const float* gx = gi.data() + (b * T + t) * 3 * H;
        const float* gr = gh.data() + b * 3 * H;
        float* hb = h.data() + b * H;
        float* yo = y + (b * T + t) * dirs * H + dir * H;
        for (int64_t j = 0; j < H; ++j) {
          float r = sig(gx[j] + b_ih[j] + gr[j]);
          float z = sig(gx[H + j] + b_ih[H + j] + gr[H + j]);
          float n = std::tanh(gx[2 * H + j] + b_ih[2 * H + j] + r * gr[2 * H + j]);
          hb[j] = (1.0f - z) * n + z * hb[j];
          yo[j] = hb[j];
        }
      }
    }
  }
}

VKFLOW_CPU_KERNEL("gru", gru_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
