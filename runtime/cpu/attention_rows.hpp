#pragma once
// Attention for a few query rows (token-by-token decoding): keys are read in place (no
// transposed repack of K per call), every (batch, head) is split into key ranges run as
// separate tasks, and their partial softmax sums are merged (flash-decoding).
#include <cstdint>

namespace vkflow::cpu {

constexpr int64_t kAttnRowsMaxQueries = 8;  // up to this many query rows take this path

struct AttnRowsArgs {
  const float* q;        // [B, H, Lq, D]
  const void *k, *v;     // [B, H, Lk, D], [B, H, Lk, Dv]: f32, or f16 when kv_f16
  bool kv_f16;
  const float* mask;       // broadcast to [B, H, Lq, Lk] through mask_strides, or null
  const int64_t* mask_strides;
  int64_t B, H, Lq, Lk, D, Dv;
  float scale;
  bool causal;  // query i sees keys j <= i
  float* out;   // [B, H, Lq, Dv]
};
void attention_rows(const AttnRowsArgs& a);

// s[i * ld + j] = q_i . k_j for nq query rows and nk key rows of D elements (both contiguous;
// keys f32 or f16).
template <class KV>
void attn_row_scores(const float* q, int64_t nq, const KV* k, int64_t nk, int64_t D, float* s, int64_t ld);
// o[c] += sum_j p[j] * v[j * Dv + c] for one output row (values f32 or f16).
template <class KV>
void attn_row_pv(const float* p, int64_t nk, const KV* v, int64_t Dv, float* o);

namespace avx2 {
template <class KV>
void attn_row_scores(const float* q, int64_t nq, const KV* k, int64_t nk, int64_t D, float* s, int64_t ld);
template <class KV>
void attn_row_pv(const float* p, int64_t nk, const KV* v, int64_t Dv, float* o);
}  // namespace avx2

}  // namespace vkflow::cpu
