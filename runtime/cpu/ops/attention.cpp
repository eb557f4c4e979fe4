// CPU kernel of memory-efficient attention (flash-style). K is first repacked per head into
// transposed 64-key tiles (a copy the size of K). Each task then takes a block of queries of
// one (batch, head) and streams the key tiles: a BQ x 64 score tile, an online softmax
// (running max and sum per query, earlier output rescaled), and P @ V into the output rows.
// Only O(BQ * 64) scores exist at a time, never Lq x Lk. A few query rows (decoding) take
// attention_rows.cpp instead.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "runtime/core/broadcast.hpp"
#include "runtime/cpu/attention_rows.hpp"
#include "runtime/cpu/attention_tiles.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/attention.hpp"

namespace vkflow::cpu {
namespace {

constexpr int64_t BQ = 32, BK = kAttnKeyTile;
constexpr float kNegInf = -std::numeric_limits<float>::infinity();

void attention_kernel(const OpCall& c) {
  const auto& p = params_of<ops::AttentionParams>(c);
  const Tensor &qt = c.inputs[0], &kt = c.inputs[1], &vt = c.inputs[2];
  int64_t B = qt.dim(0), H = qt.dim(1), Lq = qt.dim(2), D = qt.dim(3), Lk = kt.dim(2), Dv = vt.dim(3);
  const float* q = qt.data<float>();
  const float* mask = p.has_mask ? in_f32(c, 3) : nullptr;
  std::vector<int64_t> ms(4, 0);
  if (mask) ms = broadcast_strides(c.inputs[3].shape(), {B, H, Lq, Lk});
  float* out = out_f32(c);
  const bool half = kt.dtype() == DType::F16;
  if (Lq <= kAttnRowsMaxQueries) {  // decoding: keys in place, split over tasks
    attention_rows({q, kt.host_data(), vt.host_data(), half, mask, ms.data(), B, H, Lq, Lk, D, Dv, p.scale,
                    p.causal != 0, out});
    return;
  }
  // f16 keys/values (a decoder's prompt pass over its cache): widened to f32 once here. Only
  // then is scratch taken: the planner's estimates count every allocation of f32 runs.
  std::optional<Scratch<float>> wide;
  if (half) {
    wide.emplace(static_cast<size_t>(kt.numel() + vt.numel()));
    row_to_f32(DType::F16, kt.host_data(), wide->data(), kt.numel());
    row_to_f32(DType::F16, vt.host_data(), wide->data() + kt.numel(), vt.numel());
  }
  const float* k = half ? wide->data() : kt.data<float>();
  const float* v = half ? wide->data() + kt.numel() : vt.data<float>();
  int64_t nkt = (Lk + BK - 1) / BK, nqb = (Lq + BQ - 1) / BQ;

  // Kt[bh][tile][d][j] = K[bh][tile*BK + j][d], zero past Lk.
  Scratch<float> kpack(static_cast<size_t>(B * H * nkt * D * BK));
  parallel_for(B * H * nkt, 4, [&](int64_t lo, int64_t hi) {
    for (int64_t t = lo; t < hi; ++t) {
      int64_t bh = t / nkt, k0 = (t % nkt) * BK, nk = std::min(BK, Lk - k0);
      float* dst = kpack.data() + t * D * BK;
      std::fill(dst, dst + D * BK, 0.0f);
      for (int64_t j = 0; j < nk; ++j) {
        const float* src = k + (bh * Lk + k0 + j) * D;
        for (int64_t d = 0; d < D; ++d) dst[d * BK + j] = src[d];
      }
    }
  });

  parallel_for(B * H * nqb, 1, [&](int64_t lo, int64_t hi) {
    Scratch<float> s(BQ * BK), m(BQ), l(BQ);
    for (int64_t task = lo; task < hi; ++task) {
      int64_t bh = task / nqb, b = bh / H, h = bh % H, q0 = (task % nqb) * BQ, nq = std::min(BQ, Lq - q0);
      const float* qb = q + (bh * Lq + q0) * D;
      const float* vb = v + bh * Lk * Dv;
      float* ob = out + (bh * Lq + q0) * Dv;  // accumulates unnormalised, divided at the end
      std::fill(ob, ob + nq * Dv, 0.0f);
      std::fill(m.data(), m.data() + nq, kNegInf);
      std::fill(l.data(), l.data() + nq, 0.0f);
      int64_t kend = p.causal ? std::min(Lk, q0 + nq) : Lk;
      for (int64_t k0 = 0; k0 < kend; k0 += BK) {
        int64_t nk = std::min(BK, kend - k0);
        attn_scores(qb, nq, D, kpack.data() + (bh * nkt + k0 / BK) * D * BK, nk, s.data());
        for (int64_t i = 0; i < nq; ++i) {
          float* si = s.data() + i * BK;
          const float* mrow = mask ? mask + b * ms[0] + h * ms[1] + (q0 + i) * ms[2] + k0 * ms[3] : nullptr;
          int64_t visible = p.causal ? std::clamp<int64_t>(q0 + i - k0 + 1, 0, nk) : nk;
          float mx;
          if (!mrow && visible == nk) {  // the common case, vectorised
            mx = std::max(m[i], scale_max(si, nk, p.scale));
          } else {
            mx = m[i];
            for (int64_t j = 0; j < nk; ++j) {
              float sc = j < visible ? si[j] * p.scale : kNegInf;
              if (mrow) sc += mrow[j * ms[3]];
              si[j] = sc;
              mx = std::max(mx, sc);
            }
          }
          if (mx == kNegInf) {  // nothing visible yet for this query
            std::fill(si, si + nk, 0.0f);
            continue;
          }
          float sum = exp_shift_sum(si, nk, mx);
          float corr = std::exp(m[i] - mx);  // 0 on the first visible tile
          if (corr != 1.0f) scal(ob + i * Dv, corr, Dv);
          l[i] = l[i] * corr + sum;
          m[i] = mx;
        }
        attn_pv(s.data(), nq, nk, vb + k0 * Dv, Dv, ob);
      }
      for (int64_t i = 0; i < nq; ++i) scal(ob + i * Dv, l[i] > 0.0f ? 1.0f / l[i] : 0.0f, Dv);
    }
  });
}

// F16: k and v may be f16 (q, mask and the output stay f32).
VKFLOW_CPU_KERNEL("attention", attention_kernel, [](DType t) { return t == DType::F32 || t == DType::F16; });

}  // namespace
}  // namespace vkflow::cpu
