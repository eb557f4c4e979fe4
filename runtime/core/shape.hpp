#pragma once
// Shapes are PyTorch-ordered (outermost dimension first) and tensors are contiguous
// row-major: the last dimension is the fastest-moving.
#include <cstdint>
#include <string>
#include <vector>

namespace vkflow {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& s);
std::string to_string(const Shape& s);  // "[2, 77, 768]"
// Normalises a possibly negative axis; throws Error when out of range.
int normalize_axis(int axis, int rank);

}  // namespace vkflow
