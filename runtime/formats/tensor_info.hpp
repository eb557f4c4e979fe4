#pragma once
// Where one tensor's bytes are inside a model file, as every reader reports it.
#include <cstdint>
#include <string>

#include "runtime/core/dtype.hpp"
#include "runtime/core/shape.hpp"

namespace vkflow::formats {

struct TensorInfo {
  std::string name;
  DType dtype = DType::F32;
  Shape shape;          // PyTorch order (outermost first)
  uint64_t offset = 0;  // absolute byte offset in the file
  uint64_t nbytes = 0;
  uint32_t file = 0;    // index into the source's files() (shards)
};

}  // namespace vkflow::formats
