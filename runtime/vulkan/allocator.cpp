#include "runtime/vulkan/allocator.hpp"

#include <algorithm>

#include "runtime/core/error.hpp"
#include "runtime/vulkan/check.hpp"

namespace vkflow::vk {

namespace {
constexpr VkBufferUsageFlags kUsage =
    VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;

uint64_t align_up(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

// Picks the memory type: device-local for tensors (host-visible too if the device offers it,
// e.g. llvmpipe or ReBAR, which lets uploads skip staging), host-visible+coherent (cached if
// possible) for staging.
uint32_t pick_memory_type(VkPhysicalDevice pd, uint32_t bits, bool host, bool& mappable, bool& cached) {
  VkPhysicalDeviceMemoryProperties mp;
  vkGetPhysicalDeviceMemoryProperties(pd, &mp);
  const VkMemoryPropertyFlags hv = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
  int best = -1, best_score = -1;
  for (uint32_t i = 0; i < mp.memoryTypeCount; ++i) {
    if (!(bits & (1u << i))) continue;
    VkMemoryPropertyFlags f = mp.memoryTypes[i].propertyFlags;
    int score;
    if (host) {
      if ((f & hv) != hv) continue;
      score = 1 + ((f & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) ? 2 : 0);
    } else {
      if (!(f & VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT)) continue;
      // Prefer plain device-local unless host-visible device-local lives on the largest heap.
      score = 2 + ((f & hv) == hv && mp.memoryHeaps[mp.memoryTypes[i].heapIndex].size >= (1ull << 31) ? 1 : 0);
    }
    if (score > best_score) best = static_cast<int>(i), best_score = score;
  }
  if (best < 0 && !host)  // no device-local type: any type the buffer accepts (software drivers)
    for (uint32_t i = 0; i < mp.memoryTypeCount && best < 0; ++i)
      if (bits & (1u << i)) best = static_cast<int>(i);
  if (best < 0) throw Error("Vulkan: no suitable memory type for buffers");
  mappable = (mp.memoryTypes[best].propertyFlags & hv) == hv;
  cached = (mp.memoryTypes[best].propertyFlags & VK_MEMORY_PROPERTY_HOST_CACHED_BIT) != 0;
  return static_cast<uint32_t>(best);
}
}  // namespace

Allocator::Allocator(const Context& ctx, AllocatorOptions opt, std::string device_name)
    : ctx_(ctx), device_name_(std::move(device_name)) {
  const DeviceInfo& info = ctx.info();
  uint64_t cap = std::min<uint64_t>(info.max_allocation ? info.max_allocation : (1ull << 30), 1ull << 30);
  block_size_ = std::clamp<uint64_t>(opt.block_size, 1ull << 20, cap);
  align_ = std::max<uint64_t>(256, info.storage_offset_align);
  // Probe which memory types a storage buffer accepts.
  VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bi.size = 4096;
  bi.usage = kUsage;
  VkBuffer probe;
  check(vkCreateBuffer(ctx.device(), &bi, nullptr, &probe), "vkCreateBuffer");
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(ctx.device(), probe, &req);
  vkDestroyBuffer(ctx.device(), probe, nullptr);
  align_ = std::max<uint64_t>(align_, req.alignment);
  memory_type_ = pick_memory_type(ctx.physical(), req.memoryTypeBits, opt.host_visible, mapped_ok_, host_cached_);
  if (opt.budget) {
    budget_ = opt.budget;
  } else if (uint64_t b = ctx.query_budget()) {
    budget_ = b;
  } else {
    VkPhysicalDeviceMemoryProperties mp;
    vkGetPhysicalDeviceMemoryProperties(ctx.physical(), &mp);
    budget_ = mp.memoryHeaps[mp.memoryTypes[memory_type_].heapIndex].size / 10 * 9;
  }
}

Allocator::~Allocator() {
  for (auto& [id, b] : blocks_) destroy_block(b);
}

void Allocator::oom(uint64_t bytes, const std::string& why) const {
  throw OutOfMemory(device_name_ + " (" + why + ")", bytes, in_use_);
}

uint32_t Allocator::new_block(uint64_t size, bool dedicated) {
  const DeviceInfo& info = ctx_.info();
  if (info.max_allocation && size > info.max_allocation)
    oom(size, "larger than maxMemoryAllocationSize " + std::to_string(info.max_allocation));
  if (reserved_ + size > budget_) release_spares();
  if (reserved_ + size > budget_)
    oom(size, "over the budget of " + std::to_string(budget_) + " bytes with " +
                  std::to_string(reserved_) + " reserved");
  Block b;
  b.size = size;
  b.dedicated = dedicated;
  VkBufferCreateInfo bi{VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO};
  bi.size = size;
  bi.usage = kUsage;
  VkResult r = vkCreateBuffer(ctx_.device(), &bi, nullptr, &b.buffer);
  if (r != VK_SUCCESS) oom(size, std::string("vkCreateBuffer: ") + result_name(r));
  VkMemoryRequirements req;
  vkGetBufferMemoryRequirements(ctx_.device(), b.buffer, &req);
  VkMemoryAllocateInfo ai{VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO};
  ai.allocationSize = req.size;
  ai.memoryTypeIndex = memory_type_;
  r = vkAllocateMemory(ctx_.device(), &ai, nullptr, &b.memory);
  if (r != VK_SUCCESS) {
    vkDestroyBuffer(ctx_.device(), b.buffer, nullptr);
    oom(size, std::string("vkAllocateMemory: ") + result_name(r));
  }
  r = vkBindBufferMemory(ctx_.device(), b.buffer, b.memory, 0);
  if (r == VK_SUCCESS && mapped_ok_) r = vkMapMemory(ctx_.device(), b.memory, 0, VK_WHOLE_SIZE, 0, &b.mapped);
  if (r != VK_SUCCESS) {
    destroy_block(b);
    oom(size, std::string("binding/mapping memory: ") + result_name(r));
  }
  b.free[0] = size;
  reserved_ += size;
  uint32_t id = next_id_++;
  blocks_.emplace(id, std::move(b));
  return id;
}

void Allocator::destroy_block(Block& b) {
  if (b.buffer) vkDestroyBuffer(ctx_.device(), b.buffer, nullptr);
  if (b.memory) vkFreeMemory(ctx_.device(), b.memory, nullptr);  // unmaps implicitly
  b.buffer = VK_NULL_HANDLE;
  b.memory = VK_NULL_HANDLE;
}

Allocation Allocator::allocate(uint64_t bytes) {
  std::lock_guard lock(mu_);
  if (bytes == 0) bytes = 1;
  uint64_t need = align_up(bytes, align_);
  if (need < bytes) oom(bytes, "size overflows");  // absurd sizes wrap around
  auto grab = [&](uint32_t id, Block& b, uint64_t off, uint64_t len) {
    b.free.erase(off);
    if (len > need) b.free[off + need] = len - need;
    in_use_ += need;
    peak_ = std::max(peak_, in_use_);
    Allocation a;
    a.buffer = b.buffer;
    a.offset = off;
    a.size = bytes;
    a.reserved = need;
    a.mapped = b.mapped ? static_cast<char*>(b.mapped) + off : nullptr;
    a.cached = b.mapped && host_cached_;
    a.block = id;
    a.dedicated = b.dedicated;
    return a;
  };
  if (need > block_size_ / 2) {
    for (size_t i = 0; i < spare_.size(); ++i) {
      Block& b = blocks_.at(spare_[i]);
      if (b.size >= need && b.size - need <= need / 4) {
        uint32_t id = spare_[i];
        spare_.erase(spare_.begin() + static_cast<long>(i));
        return grab(id, b, 0, b.size);
      }
    }
    uint32_t id = new_block(need, true);
    Block& b = blocks_.at(id);
    return grab(id, b, 0, need);
  }
  for (auto& [id, b] : blocks_) {
    if (b.dedicated) continue;
    for (auto [off, len] : b.free)
      if (len >= need) return grab(id, b, off, len);
  }
  // Near the budget a smaller block still holds the request: the budget caps bytes, not blocks.
  uint64_t size = block_size_;
  if (reserved_ + size > budget_) {
    release_spares();
    if (reserved_ + size > budget_ && budget_ > reserved_ && budget_ - reserved_ >= need)
      size = std::max(need, (budget_ - reserved_) / align_ * align_);
  }
  uint32_t id = new_block(size, false);
  return grab(id, blocks_.at(id), 0, size);
}

void Allocator::free(const Allocation& a, bool gpu_pending) {
  std::lock_guard lock(mu_);
  auto it = blocks_.find(a.block);
  if (it == blocks_.end()) return;
  Block& b = it->second;
  b.busy = b.busy || gpu_pending;
  in_use_ -= a.reserved;
  uint64_t off = a.offset, len = a.reserved;
  // Coalesce with the free neighbours on both sides.
  auto next = b.free.lower_bound(off);
  if (next != b.free.end() && off + len == next->first) {
    len += next->second;
    next = b.free.erase(next);
  }
  if (next != b.free.begin()) {
    auto prev = std::prev(next);
    if (prev->first + prev->second == off) {
      off = prev->first;
      len += prev->second;
      b.free.erase(prev);
    }
  }
  b.free[off] = len;
  // An empty block goes back to the driver so the memory is visible to others (and the
  // budget); one spare regular block is kept to avoid churn.
  if (len == b.size && b.dedicated) {
    // A dedicated block freed while the GPU may still use it becomes a busy spare: reusable
    // at once in GPU order like a suballocation, destroyed only once settle() says the GPU
    // is idle. So a large temporary stops counting when the op that dropped it is recorded,
    // not when its submission's fence signals.
    spare_.push_back(a.block);
    trim_spares(kMaxSpare);
    return;
  }
  if (len == b.size && !b.busy) {
    bool keep = !b.dedicated;
    if (keep)
      for (auto& [id, o] : blocks_)
        if (id != a.block && !o.dedicated && o.free.size() == 1 && o.free.begin()->second == o.size) keep = false;
    if (!keep) {
      reserved_ -= b.size;
      destroy_block(b);
      blocks_.erase(it);
    }
  }
}

uint64_t Allocator::in_use() const { std::lock_guard l(mu_); return in_use_; }
uint64_t Allocator::peak() const { std::lock_guard l(mu_); return peak_; }
uint64_t Allocator::reserved() const { std::lock_guard l(mu_); return reserved_; }
size_t Allocator::block_count() const { std::lock_guard l(mu_); return blocks_.size(); }
void Allocator::release_spares() { trim_spares(0); }

void Allocator::trim_spares(size_t keep) {
  // Oldest first; a busy spare (the GPU may still use it) stays until settle().
  for (size_t i = 0; i < spare_.size() && spare_.size() > keep;) {
    Block& b = blocks_.at(spare_[i]);
    if (b.busy) {
      ++i;
      continue;
    }
    reserved_ -= b.size;
    destroy_block(b);
    blocks_.erase(spare_[i]);
    spare_.erase(spare_.begin() + static_cast<long>(i));
  }
}

void Allocator::trim() {
  std::lock_guard l(mu_);
  release_spares();
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    Block& b = it->second;
    if (!b.dedicated && !b.busy && b.free.size() == 1 && b.free.begin()->second == b.size) {
      reserved_ -= b.size;
      destroy_block(b);
      it = blocks_.erase(it);
    } else {
      ++it;
    }
  }
}

void Allocator::settle() {
  std::lock_guard l(mu_);
  bool kept = false;
  for (auto it = blocks_.begin(); it != blocks_.end();) {
    Block& b = it->second;
    const bool was_busy = b.busy;
    b.busy = false;
    const bool empty = !b.dedicated && b.free.size() == 1 && b.free.begin()->second == b.size;
    if (empty && !kept) kept = true;
    else if (empty && was_busy) {  // what free() would have done had the GPU been idle
      reserved_ -= b.size;
      destroy_block(b);
      it = blocks_.erase(it);
      continue;
    }
    ++it;
  }
  trim_spares(kMaxSpare);  // spares kept past the limit while busy
}

void Allocator::reset_peak() { std::lock_guard l(mu_); peak_ = in_use_; }

}  // namespace vkflow::vk
