#include "runtime/cpu/attention_rows.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "runtime/core/convert.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"

namespace vkflow::cpu {
namespace {

constexpr float kNegInf = -std::numeric_limits<float>::infinity();
constexpr int64_t kMinSplitKeys = 128;  // a key range shorter than this is not worth a task

inline float to_f32(float v) { return v; }
inline float to_f32(uint16_t v) { return f16_to_f32(v); }

}  // namespace

template <class KV>
void attn_row_scores(const float* q, int64_t nq, const KV* k, int64_t nk, int64_t D, float* s, int64_t ld) {
  if (use_avx2()) return avx2::attn_row_scores(q, nq, k, nk, D, s, ld);
  for (int64_t i = 0; i < nq; ++i)
    for (int64_t j = 0; j < nk; ++j) {
      float t = 0.0f;
      for (int64_t d = 0; d < D; ++d) t += q[i * D + d] * to_f32(k[j * D + d]);
      s[i * ld + j] = t;
    }
}

template <class KV>
void attn_row_pv(const float* p, int64_t nk, const KV* v, int64_t Dv, float* o) {
  if (use_avx2()) return avx2::attn_row_pv(p, nk, v, Dv, o);
  for (int64_t j = 0; j < nk; ++j)
    if (p[j] != 0.0f)
      for (int64_t c = 0; c < Dv; ++c) o[c] += p[j] * to_f32(v[j * Dv + c]);
}

template void attn_row_scores<float>(const float*, int64_t, const float*, int64_t, int64_t, float*, int64_t);
template void attn_row_scores<uint16_t>(const float*, int64_t, const uint16_t*, int64_t, int64_t, float*, int64_t);
template void attn_row_pv<float>(const float*, int64_t, const float*, int64_t, float*);
template void attn_row_pv<uint16_t>(const float*, int64_t, const uint16_t*, int64_t, float*);

namespace {

template <class KV>
void attention_rows_typed(const AttnRowsArgs& a) {
  const int64_t BH = a.B * a.H, nq = a.Lq;
  // Enough key ranges that every thread has a couple of tasks, none shorter than kMinSplitKeys.
  const int64_t want = (2 * num_threads() + BH - 1) / BH;
  const int64_t splits = std::clamp<int64_t>(want, 1, std::max<int64_t>(1, a.Lk / kMinSplitKeys));
  const int64_t span = (a.Lk + splits - 1) / splits;
  // Per task and query: the unnormalised output row, then its running max and sum.
  const int64_t part = a.Dv + 2;
  Scratch<float> parts(static_cast<size_t>(splits > 1 ? BH * splits * nq * part : 1));
  const int64_t task_flops = nq * span * (a.D + a.Dv);

  parallel_for(BH * splits, std::max<int64_t>(1, 32768 / std::max<int64_t>(task_flops, 1)), [&](int64_t lo, int64_t hi) {
    Scratch<float> s(static_cast<size_t>(nq * span));
    for (int64_t t = lo; t < hi; ++t) {
      const int64_t bh = t / splits, b = bh / a.H, h = bh % a.H, k0 = (t % splits) * span;
      const int64_t nk = std::max<int64_t>(0, std::min(span, a.Lk - k0));
      const KV* kb = static_cast<const KV*>(a.k) + (bh * a.Lk + k0) * a.D;
      const KV* vb = static_cast<const KV*>(a.v) + (bh * a.Lk + k0) * a.Dv;
      attn_row_scores(a.q + bh * nq * a.D, nq, kb, nk, a.D, s.data(), span);
      for (int64_t i = 0; i < nq; ++i) {
        float* o = splits > 1 ? parts.data() + (t * nq + i) * part : a.out + (bh * nq + i) * a.Dv;
        std::fill(o, o + a.Dv, 0.0f);
        float* si = s.data() + i * span;
        const float* mrow = a.mask ? a.mask + b * a.mask_strides[0] + h * a.mask_strides[1] + i * a.mask_strides[2] +
                                         k0 * a.mask_strides[3]
                                   : nullptr;
        const int64_t visible = a.causal ? std::clamp<int64_t>(i - k0 + 1, 0, nk) : nk;
        float mx = kNegInf;
        if (!mrow && visible == nk) {
          mx = scale_max(si, nk, a.scale);
        } else {
          for (int64_t j = 0; j < nk; ++j) {
            float sc = j < visible ? si[j] * a.scale : kNegInf;
            if (mrow) sc += mrow[j * a.mask_strides[3]];
            si[j] = sc;
            mx = std::max(mx, sc);
          }
        }
        float sum = 0.0f;
        if (mx != kNegInf) {
          sum = exp_shift_sum(si, nk, mx);
          attn_row_pv(si, nk, vb, a.Dv, o);
        }
        if (splits > 1) {
          o[a.Dv] = mx;
          o[a.Dv + 1] = sum;
        } else {
          scal(o, sum > 0.0f ? 1.0f / sum : 0.0f, a.Dv);
        }
      }
    }
  });
  if (splits == 1) return;

  // Merge the key ranges of each (batch, head, query): rescale to the common max.
  parallel_for(BH * nq, std::max<int64_t>(1, 8192 / (splits * part)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      const int64_t bh = r / nq, i = r % nq;
      float* o = a.out + r * a.Dv;
      auto partial = [&](int64_t sp) { return parts.data() + ((bh * splits + sp) * nq + i) * part; };
      float mx = kNegInf;
      for (int64_t sp = 0; sp < splits; ++sp) mx = std::max(mx, partial(sp)[a.Dv]);
      std::fill(o, o + a.Dv, 0.0f);
      if (mx == kNegInf) continue;  // no visible key: zeros
      float total = 0.0f;
      for (int64_t sp = 0; sp < splits; ++sp) {
        const float* ps = partial(sp);
        if (ps[a.Dv] == kNegInf) continue;
        const float w = std::exp(ps[a.Dv] - mx);
        total += w * ps[a.Dv + 1];
        axpy(o, w, ps, a.Dv);
      }
      scal(o, total > 0.0f ? 1.0f / total : 0.0f, a.Dv);
    }
  });
}

}  // namespace

void attention_rows(const AttnRowsArgs& a) {
  if (a.kv_f16) attention_rows_typed<uint16_t>(a);
  else attention_rows_typed<float>(a);
}

}  // namespace vkflow::cpu
