#pragma once
// Device memory for tensors. Small and medium requests are suballocated (first fit, with
// coalescing) from blocks of at most min(maxMemoryAllocationSize, 1 GiB) bytes, each block
// bound to one VkBuffer, so a tensor is (buffer, offset, size). Requests above half a block
// get their own ("dedicated") allocation when the driver's maxMemoryAllocationSize allows;
// beyond that the request fails with OutOfMemory, which the planner answers by tiling.
// Freed dedicated allocations are kept (up to kMaxSpare) for reuse by a request of about
// the same size — model code allocates the same activation shapes every step, and
// vkAllocateMemory of hundreds of MiB costs milliseconds. Spares count as reserved, are
// released first when the budget is short, and trim() returns them to the driver.
// Every failure — vkAllocateMemory refusing, or the process budget being exceeded — is an
// OutOfMemory exception, never a crash.
#include <vulkan/vulkan.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "runtime/vulkan/context.hpp"

namespace vkflow::vk {

struct Allocation {
  VkBuffer buffer = VK_NULL_HANDLE;  // the block's buffer
  uint64_t offset = 0;               // of this allocation inside `buffer`
  uint64_t size = 0;                 // bytes requested
  uint64_t reserved = 0;             // bytes taken from the block (aligned)
  void* mapped = nullptr;            // host address when the memory is host-visible & coherent
  bool cached = false;               // mapped memory is host-cached (fast to read back)
  uint32_t block = 0;                // block id (internal)
  bool dedicated = false;            // its own block (not suballocated)
};

struct AllocatorOptions {
  uint64_t block_size = 256ull << 20;  // clamped to min(maxMemoryAllocationSize, 1 GiB)
  uint64_t budget = 0;                 // bytes; 0 = the heap's budget (memory_budget) or 90% of it
  bool host_visible = false;           // staging memory rather than device-local
};

class Allocator {
 public:
  Allocator(const Context& ctx, AllocatorOptions opt, std::string device_name);
  ~Allocator();
  Allocator(const Allocator&) = delete;
  Allocator& operator=(const Allocator&) = delete;

  Allocation allocate(uint64_t bytes);  // throws OutOfMemory
  // `gpu_pending`: work recorded or in flight may still use the range. Such a range is reused
  // at once (the command stream orders reuse by its range barriers, and host copies wait for
  // the GPU first), but its block is not destroyed until settle() says the GPU is idle.
  // A dedicated allocation freed this way becomes a busy spare (reused in GPU order).
  void free(const Allocation& a, bool gpu_pending = false);
  void settle();  // the GPU is idle: blocks freed early may go; keeps one empty regular block

  uint64_t in_use() const;    // bytes handed out (aligned sizes)
  uint64_t peak() const;
  uint64_t reserved() const;  // device memory held in blocks and dedicated allocations
  uint64_t budget() const { return budget_; }
  uint64_t block_size() const { return block_size_; }
  uint64_t alignment() const { return align_; }
  size_t block_count() const;
  bool mappable() const { return mapped_ok_; }
  void reset_peak();
  void trim();  // frees cached empty blocks

 private:
  struct Block {
    VkDeviceMemory memory = VK_NULL_HANDLE;
    VkBuffer buffer = VK_NULL_HANDLE;
    uint64_t size = 0;
    void* mapped = nullptr;
    bool dedicated = false;
    bool busy = false;                  // a range was freed while the GPU may still use it
    std::map<uint64_t, uint64_t> free;  // offset -> length
  };
  static constexpr size_t kMaxSpare = 4;
  uint32_t new_block(uint64_t size, bool dedicated);  // throws OutOfMemory
  void release_spares();
  void trim_spares(size_t keep);  // destroys idle spares, oldest first, down to `keep`
  void destroy_block(Block& b);
  [[noreturn]] void oom(uint64_t bytes, const std::string& why) const;

  const Context& ctx_;
  std::string device_name_;
  uint64_t block_size_, budget_, align_;
  uint32_t memory_type_ = 0;
  bool mapped_ok_ = false;
  bool host_cached_ = false;
  mutable std::mutex mu_;
  std::map<uint32_t, Block> blocks_;
  std::vector<uint32_t> spare_;  // empty dedicated blocks kept for reuse, oldest first
  uint32_t next_id_ = 1;
  uint64_t in_use_ = 0, peak_ = 0, reserved_ = 0;
};

}  // namespace vkflow::vk
