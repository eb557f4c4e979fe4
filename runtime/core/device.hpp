#pragma once
// The backend interface every device implements (CPU, Vulkan): buffers, transfers, op
// dispatch through a per-backend kernel table, synchronisation, capabilities and memory
// accounting (current and peak bytes, which the planner's estimates are checked against).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "runtime/core/dtype.hpp"

namespace vkflow {

class Device;
class Tensor;

enum class DeviceKind { Cpu, Vulkan };

class Buffer {
 public:
  virtual ~Buffer() = default;
  virtual size_t size() const = 0;
  virtual Device& device() const = 0;
  // Host address of the bytes when the memory is host-addressable (CPU backend), else null.
  virtual void* host_ptr() const { return nullptr; }
};

struct MemoryStats {
  uint64_t in_use = 0;  // bytes currently allocated by this process on the device
  uint64_t peak = 0;    // high-water mark of in_use since the last reset_peak()
  uint64_t budget = 0;  // bytes this process may use (heap budget minus reserve), 0 = unknown
  uint64_t total = 0;   // device-local heap size (CPU: physical RAM)
};

// One op invocation. `params` points at the op's own parameter struct (runtime/ops/<op>.hpp).
struct OpCall {
  std::string_view op;
  std::span<const Tensor> inputs;
  std::span<Tensor> outputs;  // already allocated on the same device
  const void* params = nullptr;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual DeviceKind kind() const = 0;
  virtual std::string name() const = 0;  // e.g. "cpu", "vulkan0 (NVIDIA H100 80GB HBM3)"

  // Throws OutOfMemory when the bytes do not fit; never aborts.
  virtual std::shared_ptr<Buffer> allocate(size_t bytes) = 0;
  virtual void upload(Buffer& dst, size_t offset, const void* src, size_t n) = 0;
  virtual void download(const Buffer& src, size_t offset, void* dst, size_t n) = 0;
  // Enqueues (Vulkan) or runs (CPU) the op; throws Unsupported when no kernel exists.
  virtual void run(const OpCall& call) = 0;
  // Waits until every enqueued op has finished.
  virtual void synchronize() = 0;

  virtual bool supports(std::string_view op, DType dtype = DType::F32) const = 0;
  virtual MemoryStats memory() const = 0;
  virtual void reset_peak() = 0;
};

}  // namespace vkflow
