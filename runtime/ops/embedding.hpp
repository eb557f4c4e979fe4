#pragma once
// Lookups and position encodings: get_rows (embedding tables), rope, timestep embedding.
#include <cstdint>
#include <utility>
#include <vector>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "get_rows": inputs {table [V, D] (f32, f16, bf16 or a GGUF block type), ids i32 or
// i64 of any shape}; output ids.shape + [D] f32. An id outside [0, V) is an Error.
// No params (nullptr). Device::supports("get_rows", table.dtype()).
Tensor get_rows(const Tensor& table, const Tensor& ids);

// op "rope": inputs {x [B, H, L, D] f32, cos, sin} with cos/sin [L, D/2] or [B, L, D/2];
// rotates pairs by angle theta: out_a = x_a cos - x_b sin, out_b = x_a sin + x_b cos.
// interleaved = 1: pairs (2i, 2i+1) — FLUX (BFL apply_rope, diffusers use_real_unbind_dim=-1);
// interleaved = 0: pairs (i, i + D/2) — GPT-NeoX / rotate_half.
struct RopeParams {
  int32_t interleaved = 1;
};
Tensor rope(const Tensor& x, const Tensor& cos, const Tensor& sin, bool interleaved = true);
// FLUX EmbedND on the host: positions [L, n_axes] (row-major) and axes_dim (sum = D/2*2):
// angle[l, j] = pos[l, axis(j)] * theta^(-2 j' / axes_dim[axis]) for each axis's j' < dim/2.
// Returns {cos, sin} as [L, D/2] f32 tensors on `dev`.
std::pair<Tensor, Tensor> rope_cos_sin(Device& dev, const std::vector<float>& positions, int64_t L,
                                       const std::vector<int>& axes_dim, float theta);

// op "timestep_embedding": input {t [N] f32}; output [N, dim] f32 as diffusers
// get_timestep_embedding: half = dim/2, freq_i = exp(-ln(max_period) * i / (half - shift)),
// emb = scale * t * freq, [sin, cos] (or [cos, sin] when flip_sin_to_cos), zero-padded
// when dim is odd.
struct TimestepEmbeddingParams {
  int32_t dim = 320;
  int32_t flip_sin_to_cos = 1;
  float downscale_freq_shift = 0.0f;
  float scale = 1.0f;
  float max_period = 10000.0f;
};
Tensor timestep_embedding(const Tensor& t, TimestepEmbeddingParams p);

}  // namespace vkflow::ops
