#include "runtime/cpu/attention_tiles.hpp"

#include "runtime/cpu/vec.hpp"

namespace vkflow::cpu {

// S rows have kAttnKeyTile columns; only the first nk are meaningful.
void attn_scores(const float* q, int64_t nq, int64_t D, const float* kt, int64_t nk, float* s) {
  if (use_avx2()) return avx2::attn_scores(q, nq, D, kt, nk, s);
  for (int64_t i = 0; i < nq; ++i) {
    float* si = s + i * kAttnKeyTile;
    for (int64_t j = 0; j < nk; ++j) si[j] = 0.0f;
    for (int64_t d = 0; d < D; ++d) {
      float qv = q[i * D + d];
      const float* kd = kt + d * kAttnKeyTile;
      for (int64_t j = 0; j < nk; ++j) si[j] += qv * kd[j];
    }
  }
}

void attn_pv(const float* p, int64_t nq, int64_t nk, const float* v, int64_t Dv, float* o) {
  if (use_avx2()) return avx2::attn_pv(p, nq, nk, v, Dv, o);
  for (int64_t i = 0; i < nq; ++i)
    for (int64_t j = 0; j < nk; ++j) {
      float pj = p[i * kAttnKeyTile + j];
      if (pj != 0.0f) axpy(o + i * Dv, pj, v + j * Dv, Dv);
    }
}

}  // namespace vkflow::cpu
