#include "runtime/core/tensor.hpp"

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"

namespace vkflow {

Tensor::Tensor(std::shared_ptr<Buffer> buffer, size_t offset, DType dtype, Shape shape)
    : buffer_(std::move(buffer)), offset_(offset), dtype_(dtype), shape_(std::move(shape)) {
  for (int64_t d : shape_)
    if (d < 0) throw Error("negative dimension in shape " + to_string(shape_));
  if (buffer_ && offset_ + nbytes() > buffer_->size())
    throw Error("tensor of " + std::to_string(nbytes()) + " bytes at offset " +
                std::to_string(offset_) + " exceeds its buffer of " +
                std::to_string(buffer_->size()));
}

Tensor Tensor::empty(Device& dev, DType dtype, Shape shape) {
  size_t bytes = dtype_bytes(dtype, vkflow::numel(shape));
  return Tensor(dev.allocate(bytes == 0 ? 4 : bytes), 0, dtype, std::move(shape));
}

Tensor Tensor::from_host(Device& dev, DType dtype, Shape shape, const void* data) {
  Tensor t = empty(dev, dtype, std::move(shape));
  t.copy_from_host(data, t.nbytes());
  return t;
}

Tensor Tensor::from_f32(Device& dev, Shape shape, const std::vector<float>& data) {
  if (static_cast<int64_t>(data.size()) != vkflow::numel(shape))
    throw Error("from_f32: " + std::to_string(data.size()) + " values for shape " + to_string(shape));
  return from_host(dev, DType::F32, std::move(shape), data.data());
}

int64_t Tensor::dim(int axis) const { return shape_[normalize_axis(axis, rank())]; }

void* Tensor::host_data() const {
  void* p = buffer_ ? buffer_->host_ptr() : nullptr;
  return p ? static_cast<char*>(p) + offset_ : nullptr;
}

Tensor Tensor::view(Shape shape) const {
  if (vkflow::numel(shape) != numel())
    throw Error("view " + to_string(shape) + " of tensor " + to_string(shape_) + ": element counts differ");
  return Tensor(buffer_, offset_, dtype_, std::move(shape));
}

Tensor Tensor::slice0(int64_t begin, int64_t end) const {
  if (rank() == 0 || begin < 0 || end > shape_[0] || begin > end)
    throw Error("slice0 [" + std::to_string(begin) + ", " + std::to_string(end) + ") of " + to_string(shape_));
  Shape s = shape_;
  s[0] = end - begin;
  int64_t row = shape_[0] ? numel() / shape_[0] : 0;
  return Tensor(buffer_, offset_ + dtype_bytes(dtype_, begin * row), dtype_, std::move(s));
}

void Tensor::copy_from_host(const void* src, size_t n) {
  if (n > nbytes()) throw Error("copy_from_host: " + std::to_string(n) + " bytes into a tensor of " + std::to_string(nbytes()));
  device().upload(*buffer_, offset_, src, n);
}

void Tensor::copy_to_host(void* dst, size_t n) const {
  if (n > nbytes()) throw Error("copy_to_host: " + std::to_string(n) + " bytes from a tensor of " + std::to_string(nbytes()));
  device().download(*buffer_, offset_, dst, n);
}

std::vector<float> Tensor::to_f32() const {
  std::vector<uint8_t> raw(nbytes());
  copy_to_host(raw.data(), raw.size());
  std::vector<float> out(numel());
  convert_to_f32(dtype_, raw.data(), out.data(), numel());
  return out;
}

}  // namespace vkflow
