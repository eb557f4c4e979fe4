#pragma once
// Data-movement ops: concat, slice, permute (contiguous copy), pad, nearest upsample.
// concat/slice/permute move bytes of any non-block dtype; pad/upsample take f32.
#include <cstdint>
#include <vector>

#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// op "concat": inputs {t0, t1, ...} (same dtype, equal except along axis); output joined.
struct ConcatParams {
  int32_t axis = 0;  // normalised (>= 0)
};
Tensor concat(const std::vector<Tensor>& ts, int axis);

// op "slice": input {x}; keeps start, start+step, ... < end along axis (Python semantics,
// negative indices and out-of-range ends clamped by the front-end; step >= 1).
struct SliceParams {
  int32_t axis = 0;      // normalised
  int64_t start = 0;     // normalised, 0 <= start <= dim
  int64_t end = 0;       // normalised, start <= end <= dim
  int64_t step = 1;
};
Tensor slice(const Tensor& x, int axis, int64_t start, int64_t end, int64_t step = 1);

// op "permute": input {x}; output dimension i is input dimension perm[i], stored contiguous.
struct PermuteParams {
  int32_t rank = 0;
  int32_t perm[8] = {};
};
Tensor permute(const Tensor& x, const std::vector<int>& perm);
Tensor transpose(const Tensor& x, int a, int b);

// op "pad": input {x} f32; before[i]/after[i] elements added on each side of dimension i.
// mode 0: constant `value`; 1: reflect (PyTorch 'reflect', pad < dim); 2: replicate.
struct PadParams {
  int32_t rank = 0;
  int32_t mode = 0;
  float value = 0.0f;
  int64_t before[8] = {};
  int64_t after[8] = {};
};
enum class PadMode : int32_t { Constant = 0, Reflect = 1, Replicate = 2 };
// `pads` in torch.nn.functional.pad order: (last_before, last_after, prev_before, ...).
Tensor pad(const Tensor& x, const std::vector<int64_t>& pads, PadMode mode = PadMode::Constant, float value = 0.0f);

// op "upsample_nearest": input {x [N, C, H, W] or [N, C, L]} f32; output [N, C, out_h, out_w]
// (out_h = 1 for 3-D); source index floor(dst * in / out) (PyTorch mode='nearest').
struct UpsampleParams {
  int32_t out_h = 1, out_w = 1;
};
Tensor upsample_nearest(const Tensor& x, int scale);
Tensor upsample_nearest_to(const Tensor& x, int64_t out_h, int64_t out_w);

}  // namespace vkflow::ops
