#pragma once
// One (bidirectional) GRU layer, batch-first, as torch.nn.GRU(batch_first=True) with h0 = 0.
#include <cstdint>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// Weights of one direction in PyTorch's layout and gate order (r, z, n): w_ih [3H, I],
// w_hh [3H, H], b_ih [3H], b_hh [3H]; all f32.
struct GruWeights {
  Tensor w_ih, w_hh, b_ih, b_hh;
};

// op "gru": inputs {x [B, T, I], fwd.w_ih, fwd.w_hh, fwd.b_ih, fwd.b_hh, and when
// bidirectional rev.w_ih, rev.w_hh, rev.b_ih, rev.b_hh}; output [B, T, H * dirs] with the
// forward direction's h_t first then the reverse's (PyTorch's output).
//   r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z = sigmoid(W_iz x + b_iz + W_hz h + b_hz)
//   n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h
struct GruParams {
  int32_t hidden = 0;
  int32_t bidirectional = 0;
};
Tensor gru(const Tensor& x, const GruWeights& fwd, const GruWeights* rev = nullptr);

}  // namespace vkflow::ops
