#pragma once
// A typed, shaped, contiguous view into a device buffer. Copying a Tensor shares the
// buffer; the memory is freed when the last Tensor referring to it goes away.
#include <memory>
#include <vector>

#include "runtime/core/device.hpp"
#include "runtime/core/dtype.hpp"
#include "runtime/core/shape.hpp"

namespace vkflow {

class Tensor {
 public:
  Tensor() = default;
  Tensor(std::shared_ptr<Buffer> buffer, size_t offset, DType dtype, Shape shape);

  static Tensor empty(Device& dev, DType dtype, Shape shape);
  static Tensor from_host(Device& dev, DType dtype, Shape shape, const void* data);
  static Tensor from_f32(Device& dev, Shape shape, const std::vector<float>& data);

  bool defined() const { return buffer_ != nullptr; }
  DType dtype() const { return dtype_; }
  const Shape& shape() const { return shape_; }
  int rank() const { return static_cast<int>(shape_.size()); }
  int64_t dim(int axis) const;  // negative axes count from the end
  int64_t numel() const { return vkflow::numel(shape_); }
  size_t nbytes() const { return dtype_bytes(dtype_, numel()); }

  Device& device() const { return buffer_->device(); }
  Buffer& buffer() const { return *buffer_; }
  const std::shared_ptr<Buffer>& buffer_ptr() const { return buffer_; }
  size_t offset() const { return offset_; }
  // Host address of element 0 (CPU backend only; null elsewhere).
  void* host_data() const;
  template <class T> T* data() const { return static_cast<T*>(host_data()); }

  // Same bytes, another shape with the same element count.
  Tensor view(Shape shape) const;
  // Rows [begin, end) of dimension 0: still contiguous, so no copy.
  Tensor slice0(int64_t begin, int64_t end) const;

  void copy_from_host(const void* src, size_t n);
  void copy_to_host(void* dst, size_t n) const;
  // Downloads and converts to float32 (dequantizes block formats). For tests and I/O.
  std::vector<float> to_f32() const;

 private:
  std::shared_ptr<Buffer> buffer_;
  size_t offset_ = 0;
  DType dtype_ = DType::F32;
  Shape shape_;
};

}  // namespace vkflow
