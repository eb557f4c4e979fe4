#pragma once
// NumPy broadcasting of shapes, shared by the op front-ends and every backend's kernels.
#include <cstdint>
#include <vector>

#include "runtime/core/shape.hpp"

namespace vkflow {

// The broadcast result of a and b (right-aligned; a dimension of 1 stretches). Throws
// Error naming both shapes when they are incompatible.
Shape broadcast_shapes(const Shape& a, const Shape& b);
// True when `in` broadcasts to `out` without changing `out`.
bool broadcasts_to(const Shape& in, const Shape& out);
// Element strides of a contiguous tensor of shape `in` read as shape `out` (rank of out):
// 0 for stretched and missing leading dimensions.
std::vector<int64_t> broadcast_strides(const Shape& in, const Shape& out);
// Contiguous element strides of a shape.
std::vector<int64_t> contiguous_strides(const Shape& s);

}  // namespace vkflow
