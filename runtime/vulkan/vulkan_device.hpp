#pragma once
// The Vulkan backend: a vkflow::Device on one Vulkan physical device. Kernels
// (runtime/vulkan/ops/<op>.cpp) register in vulkan::kernels() and use the helpers below to
// get pipelines and record dispatches; the device handles memory, barriers, submission
// splitting, deferred frees and transfers.
//
// Binding limits: a storage-buffer binding may span at most maxStorageBufferRange bytes
// (128 MiB on llvmpipe, 4 GiB on NVIDIA/RADV). Elementwise ops, copies and matmul weights
// are processed in windows below that limit; other kernels throw Unsupported for larger
// tensors (the planner tiles them). Tensors larger than maxMemoryAllocationSize cannot be
// allocated at all (OutOfMemory).
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/core/device.hpp"
#include "runtime/core/kernel_registry.hpp"
#include "runtime/core/tensor.hpp"
#include "runtime/vulkan/allocator.hpp"
#include "runtime/vulkan/command_stream.hpp"
#include "runtime/vulkan/context.hpp"
#include "runtime/vulkan/pipeline.hpp"
#include "runtime/vulkan/pipeline_cache.hpp"
#include "runtime/vulkan/staging.hpp"

namespace vkflow::vulkan {

// fp32: every shader computes and stores in fp32 (RX 580 class). fast: fp16 tiles /
// cooperative matrices where the device has them.
enum class Path { Fp32, Fast };

struct Options {
  std::string device;             // "N", a name substring, or "" (VKFLOW_DEVICE, first discrete)
  uint64_t budget = 0;            // bytes; 0 = driver budget (env VKFLOW_VK_BUDGET_MB overrides)
  uint64_t block_size = 256ull << 20;
  std::optional<Path> path;       // default: env VKFLOW_VK_PATH=fp32|fast, else fast if available
  bool force_staging = false;     // env VKFLOW_VK_STAGING=1: never map device memory directly
  uint64_t staging_chunk = 16ull << 20;
  vk::SubmitPolicy submit;        // env VKFLOW_VK_SUBMIT_DISPATCHES / _STARVED_DISPATCHES override
};

class VulkanDevice;
using Kernel = void (*)(VulkanDevice&, const OpCall&);
KernelRegistry<Kernel>& kernels();
struct KernelRegistrar {
  KernelRegistrar(const char* op, Kernel k, std::function<bool(DType)> supports = {}) {
    kernels().add(op, k, std::move(supports));
  }
};

// One buffer argument of a dispatch: a tensor, read or written, optionally a byte window.
struct Arg {
  const Tensor* tensor;
  bool write = false;
  uint64_t byte_offset = 0;
  uint64_t bytes = 0;  // 0 = to the end of the tensor
};
inline Arg in(const Tensor& t) { return {&t, false}; }
inline Arg out(const Tensor& t) { return {&t, true}; }

class VulkanDevice final : public Device {
 public:
  explicit VulkanDevice(Options opt = {});
  ~VulkanDevice() override;

  DeviceKind kind() const override { return DeviceKind::Vulkan; }
  std::string name() const override { return name_; }
  std::shared_ptr<Buffer> allocate(size_t bytes) override;
  void upload(Buffer& dst, size_t offset, const void* src, size_t n) override;
  void download(const Buffer& src, size_t offset, void* dst, size_t n) override;
  void run(const OpCall& call) override;
  void synchronize() override;
  bool supports(std::string_view op, DType dtype) const override;
  MemoryStats memory() const override;
  void reset_peak() override;

  // For kernels.
  const vk::DeviceInfo& info() const { return ctx_->info(); }
  Path path() const { return path_; }
  bool fast() const { return path_ == Path::Fast; }
  bool fast_available() const;
  uint32_t subgroup_size() const { return info().subgroup_size; }
  const vk::Pipeline& pipeline(const std::string& shader, uint32_t bindings, uint32_t push_size,
                               const std::vector<uint32_t>& spec = {});
  void dispatch(const vk::Pipeline& p, const std::vector<Arg>& args, const void* push, uint32_t gx,
                uint32_t gy = 1, uint32_t gz = 1, double work = 0);
  template <class P>
  void dispatch(const vk::Pipeline& p, const std::vector<Arg>& args, const P& push, uint32_t gx,
                uint32_t gy = 1, uint32_t gz = 1, double work = 0) {
    dispatch(p, args, static_cast<const void*>(&push), gx, gy, gz, work);
  }
  // Byte copy between tensors' buffers (contiguous ranges, any alignment).
  void copy_bytes(const Tensor& src, uint64_t src_off, const Tensor& dst, uint64_t dst_off, uint64_t n);
  // A tensor whose device offset meets minStorageBufferOffsetAlignment: `t` itself, or a
  // fresh copy. Outputs that are unaligned are handled by run() (write to a copy, copy back).
  Tensor aligned(const Tensor& t);
  bool is_aligned(const Tensor& t) const;
  // Byte offset of the tensor's first element inside its VkBuffer (for vec4-load checks).
  uint64_t device_offset(const Tensor& t) const;
  uint64_t max_binding() const { return info().max_storage_range; }
  // A small buffer bound in the slot of an absent optional input.
  const Tensor& dummy();

  // Introspection for tests and benches.
  vk::Allocator& allocator() { return *alloc_; }
  vk::CommandStream& stream() { return *stream_; }
  vk::PipelineCache& pipeline_cache() { return *cache_; }
  vk::Staging& staging() { return *staging_; }
  size_t pipeline_count() const { return pipes_->size(); }

 private:
  friend class VulkanBuffer;
  void release(const vk::Allocation& a, uint64_t last_use);

  std::unique_ptr<vk::Context> ctx_;
  std::unique_ptr<vk::Allocator> alloc_;
  std::unique_ptr<vk::PipelineCache> cache_;
  std::unique_ptr<vk::PipelineSet> pipes_;
  std::unique_ptr<vk::CommandStream> stream_;
  std::unique_ptr<vk::Staging> staging_;
  std::string name_;
  Path path_ = Path::Fp32;
  bool direct_ = true;
  bool defer_frees_ = false;  // VKFLOW_VK_DEFER_FREES=1: every free waits for its submission
  Tensor dummy_;
};

// True when at least one Vulkan device exists.
bool available();
// The process-wide default Vulkan device (VKFLOW_DEVICE picks it). Throws when none exists.
VulkanDevice& device();

}  // namespace vkflow::vulkan

#define VKFLOW_VK_CONCAT2(a, b) a##b
#define VKFLOW_VK_CONCAT(a, b) VKFLOW_VK_CONCAT2(a, b)
// Registers a Vulkan kernel for an op: VKFLOW_VK_KERNEL("add", add_kernel);
#define VKFLOW_VK_KERNEL(op, ...) \
  static ::vkflow::vulkan::KernelRegistrar VKFLOW_VK_CONCAT(vk_kernel_reg_, __LINE__)(op, __VA_ARGS__)
