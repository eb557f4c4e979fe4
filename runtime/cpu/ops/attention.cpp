// CPU kernel of memory-efficient attention: each task takes a block of queries of one
// (batch, head) and streams the keys in tiles with an online softmax (running max and sum),
// so only a BQ x BK score tile exists at a time, never Lq x Lk.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "runtime/core/broadcast.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/attention.hpp"

namespace vkflow::cpu {
namespace {

constexpr int64_t BQ = 16, BK = 128;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

void attention_kernel(const OpCall& c) {
  const auto& p = params_of<ops::AttentionParams>(c);
  const Tensor &qt = c.inputs[0], &kt = c.inputs[1], &vt = c.inputs[2];
  int64_t B = qt.dim(0), H = qt.dim(1), Lq = qt.dim(2), D = qt.dim(3), Lk = kt.dim(2), Dv = vt.dim(3);
  const float *q = qt.data<float>(), *k = kt.data<float>(), *v = vt.data<float>();
  const float* mask = p.has_mask ? in_f32(c, 3) : nullptr;
  std::vector<int64_t> ms(4, 0);
  if (mask) ms = broadcast_strides(c.inputs[3].shape(), {B, H, Lq, Lk});
  float* out = out_f32(c);
  int64_t nqb = (Lq + BQ - 1) / BQ;

  parallel_for(B * H * nqb, 1, [&](int64_t lo, int64_t hi) {
    Scratch<float> s(BQ * BK), acc(BQ * Dv), m(BQ), l(BQ);
    for (int64_t task = lo; task < hi; ++task) {
      int64_t bh = task / nqb, b = bh / H, h = bh % H, q0 = (task % nqb) * BQ, nq = std::min(BQ, Lq - q0);
      const float* qb = q + (bh * Lq + q0) * D;
      const float* kb = k + bh * Lk * D;
      const float* vb = v + bh * Lk * Dv;
      std::fill(acc.data(), acc.data() + nq * Dv, 0.0f);
      std::fill(m.data(), m.data() + nq, kNegInf);
      std::fill(l.data(), l.data() + nq, 0.0f);
      int64_t kend = p.causal ? std::min(Lk, q0 + nq) : Lk;
      for (int64_t k0 = 0; k0 < kend; k0 += BK) {
        int64_t nk = std::min(BK, kend - k0);
        for (int64_t i = 0; i < nq; ++i) {
          float* si = s.data() + i * BK;
          const float* mrow = mask ? mask + b * ms[0] + h * ms[1] + (q0 + i) * ms[2] : nullptr;
          float mx = m[i];
          for (int64_t j = 0; j < nk; ++j) {
            int64_t kj = k0 + j;
            float sc = (p.causal && kj > q0 + i) ? kNegInf : dot(qb + i * D, kb + kj * D, D) * p.scale;
            if (mrow) sc += mrow[kj * ms[3]];
            si[j] = sc;
            mx = std::max(mx, sc);
          }
          if (mx == kNegInf) continue;  // nothing visible yet for this query
          float corr = std::exp(m[i] - mx);  // exp(-inf) = 0 on the first visible tile
          float* ai = acc.data() + i * Dv;
          if (corr != 1.0f) scal(ai, corr, Dv);
          float li = l[i] * corr;
          for (int64_t j = 0; j < nk; ++j) {
            float pj = std::exp(si[j] - mx);
            if (pj == 0.0f) continue;
            li += pj;
            axpy(ai, pj, vb + (k0 + j) * Dv, Dv);
          }
          l[i] = li;
          m[i] = mx;
        }
      }
      for (int64_t i = 0; i < nq; ++i) {
        float* o = out + (bh * Lq + q0 + i) * Dv;
        float inv = l[i] > 0.0f ? 1.0f / l[i] : 0.0f;
        for (int64_t d = 0; d < Dv; ++d) o[d] = acc[i * Dv + d] * inv;
      }
    }
  });
}

VKFLOW_CPU_KERNEL("attention", attention_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
