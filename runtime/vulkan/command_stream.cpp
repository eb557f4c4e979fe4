#include "runtime/vulkan/command_stream.hpp"

#include <algorithm>
#include <array>

#include "runtime/core/error.hpp"
#include "runtime/vulkan/check.hpp"

namespace vkflow::vk {

namespace {
constexpr uint32_t kPoolSets = 256;  // per submission, without push descriptors
constexpr size_t kMaxInFlight = 4;
constexpr VkPipelineStageFlags kStages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
constexpr VkAccessFlags kAccess = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT |
                                  VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;

bool overlaps(const BufferRange& a, const BufferRange& b) {
  return a.buffer == b.buffer && a.offset < b.offset + b.size && b.offset < a.offset + a.size;
}
}  // namespace

CommandStream::CommandStream(const Context& ctx, SubmitPolicy policy) : ctx_(ctx), policy_(policy) {
  VkCommandPoolCreateInfo ci{VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO};
  ci.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;
  ci.queueFamilyIndex = ctx.queue_family();
  VkCommandPool pool;
  check(vkCreateCommandPool(ctx.device(), &ci, nullptr, &pool), "vkCreateCommandPool");
  VkDevice dev = ctx.device();
  pool_ = Handle<VkCommandPool>(pool, [dev](VkCommandPool p) { vkDestroyCommandPool(dev, p, nullptr); });
  uint32_t n = 0;
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical(), &n, nullptr);
  std::vector<VkQueueFamilyProperties> fams(n);
  vkGetPhysicalDeviceQueueFamilyProperties(ctx.physical(), &n, fams.data());
  if (ctx.queue_family() < n)
    profiler_ = GpuProfiler::from_env(dev, ctx.info().timestamp_period_ns, fams[ctx.queue_family()].timestampValidBits);
}

CommandStream::~CommandStream() {
  try {
    finish();
  } catch (...) {
    // Device lost at shutdown: nothing useful left to do but release the objects.
  }
  VkDevice dev = ctx_.device();
  vkDeviceWaitIdle(dev);
  auto destroy = [&](Slot& s) {
    if (s.fence) vkDestroyFence(dev, s.fence, nullptr);
    if (s.pool) vkDestroyDescriptorPool(dev, s.pool, nullptr);
  };
  for (auto& s : free_slots_) destroy(s);
  for (auto& s : in_flight_) destroy(s);
  if (current_.fence) destroy(current_);
  for (auto& [serial, fn] : deferred_) fn();
  profiler_.reset();  // before the device goes: it owns query pools
}

void CommandStream::begin() {
  VkDevice dev = ctx_.device();
  if (!free_slots_.empty()) {
    current_ = free_slots_.back();
    free_slots_.pop_back();
  } else {
    current_ = Slot{};
    VkCommandBufferAllocateInfo ai{VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO};
    ai.commandPool = pool_;
    ai.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    ai.commandBufferCount = 1;
    check(vkAllocateCommandBuffers(dev, &ai, &current_.cb), "vkAllocateCommandBuffers");
    VkFenceCreateInfo fi{VK_STRUCTURE_TYPE_FENCE_CREATE_INFO};
    check(vkCreateFence(dev, &fi, nullptr, &current_.fence), "vkCreateFence");
    if (!ctx_.push_descriptor_fn()) {
      VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kPoolSets * kMaxBindings};
      VkDescriptorPoolCreateInfo pi{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
      pi.maxSets = kPoolSets;
      pi.poolSizeCount = 1;
      pi.pPoolSizes = &size;
      check(vkCreateDescriptorPool(dev, &pi, nullptr, &current_.pool), "vkCreateDescriptorPool");
    }
  }
  VkCommandBufferBeginInfo bi{VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO};
  bi.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(vkBeginCommandBuffer(current_.cb, &bi), "vkBeginCommandBuffer");
  if (profiler_) profiler_->begin(current_.cb);
  current_.serial = serial_;
  recording_ = true;
  dispatches_ = 0;
  work_ = 0;
  touched_.clear();
  // Earlier submissions on this queue may have written what this one reads.
  need_barrier_ = submissions_ > 0;
}

void CommandStream::full_barrier() {
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = kAccess;
  mb.dstAccessMask = kAccess;
  vkCmdPipelineBarrier(current_.cb, kStages, kStages, 0, 1, &mb, 0, nullptr, 0, nullptr);
  touched_.clear();
  need_barrier_ = false;
}

void CommandStream::barrier_for(std::span<const BufferRange> ranges) {
  bool hazard = need_barrier_;
  for (size_t i = 0; i < ranges.size() && !hazard; ++i)
    for (const auto& t : touched_)
      if ((ranges[i].write || t.write) && overlaps(ranges[i], t)) {
        hazard = true;
        break;
      }
  if (hazard) full_barrier();
  touched_.insert(touched_.end(), ranges.begin(), ranges.end());
}

VkDescriptorSet CommandStream::allocate_set(const Pipeline& p) {
  VkDescriptorSetLayout layout = p.set_layout;
  VkDescriptorSetAllocateInfo ai{VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO};
  ai.descriptorPool = current_.pool;
  ai.descriptorSetCount = 1;
  ai.pSetLayouts = &layout;
  VkDescriptorSet set;
  check(vkAllocateDescriptorSets(ctx_.device(), &ai, &set), "vkAllocateDescriptorSets");
  return set;
}

void CommandStream::dispatch(const Pipeline& p, std::span<const BufferRange> bindings, const void* push,
                             uint32_t gx, uint32_t gy, uint32_t gz, double work) {
  if (bindings.size() != p.bindings || bindings.size() > kMaxBindings)
    throw Error("Vulkan: " + p.name + " takes " + std::to_string(p.bindings) + " buffers, got " +
                std::to_string(bindings.size()));
  const auto& lim = ctx_.info().max_workgroup_count;
  if (gx > lim[0] || gy > lim[1] || gz > lim[2])
    throw Error("Vulkan: " + p.name + " dispatch of " + std::to_string(gx) + "x" + std::to_string(gy) + "x" +
                std::to_string(gz) + " workgroups exceeds the device limit");
  if (gx == 0 || gy == 0 || gz == 0) return;
  if (!recording_) begin();
  barrier_for(bindings);
  if (profiler_) full_barrier();  // each timestamp pair brackets this dispatch alone
  VkCommandBuffer cb = current_.cb;
  vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.pipeline);
  std::array<VkDescriptorBufferInfo, kMaxBindings> infos;
  std::array<VkWriteDescriptorSet, kMaxBindings> writes;
  VkDescriptorSet set = ctx_.push_descriptor_fn() ? VK_NULL_HANDLE : allocate_set(p);
  for (size_t i = 0; i < bindings.size(); ++i) {
    infos[i] = {bindings[i].buffer, bindings[i].offset, bindings[i].size};
    writes[i] = {VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET};
    writes[i].dstSet = set;
    writes[i].dstBinding = static_cast<uint32_t>(i);
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  if (set == VK_NULL_HANDLE) {
    ctx_.push_descriptor_fn()(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0,
                              static_cast<uint32_t>(bindings.size()), writes.data());
  } else {
    vkUpdateDescriptorSets(ctx_.device(), static_cast<uint32_t>(bindings.size()), writes.data(), 0, nullptr);
    vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, p.layout, 0, 1, &set, 0, nullptr);
  }
  if (p.push_size) vkCmdPushConstants(cb, p.layout, VK_SHADER_STAGE_COMPUTE_BIT, 0, p.push_size, push);
  vkCmdDispatch(cb, gx, gy, gz);
  if (profiler_) profiler_->mark(cb, p.name);
  ++dispatches_;
  ++total_dispatches_;
  work_ += work;
  uint32_t max_d = policy_.max_dispatches;
  if (in_flight_.size() < 2) max_d = std::min(max_d, policy_.starved_dispatches);
  if (!ctx_.push_descriptor_fn()) max_d = std::min(max_d, kPoolSets);
  if (dispatches_ >= max_d || work_ >= policy_.max_work) submit();
}

void CommandStream::copy(VkBuffer src, uint64_t src_off, VkBuffer dst, uint64_t dst_off, uint64_t n) {
  if (n == 0) return;
  if (!recording_) begin();
  const BufferRange ranges[] = {{src, src_off, n, false}, {dst, dst_off, n, true}};
  barrier_for(ranges);
  VkBufferCopy region{src_off, dst_off, n};
  vkCmdCopyBuffer(current_.cb, src, dst, 1, &region);
  if (profiler_) profiler_->mark(current_.cb, "(copy)");
}

void CommandStream::fill(VkBuffer dst, uint64_t off, uint64_t n, uint32_t word) {
  if (n == 0) return;
  if (!recording_) begin();
  const BufferRange range{dst, off, n, true};
  barrier_for({&range, 1});
  vkCmdFillBuffer(current_.cb, dst, off, n, word);
}

void CommandStream::submit() {
  if (!recording_) return;
  // Make every write visible to the host (downloads read staging memory after the fence).
  VkMemoryBarrier mb{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
  mb.srcAccessMask = kAccess;
  mb.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(current_.cb, kStages, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &mb, 0, nullptr, 0, nullptr);
  check(vkEndCommandBuffer(current_.cb), "vkEndCommandBuffer");
  VkSubmitInfo si{VK_STRUCTURE_TYPE_SUBMIT_INFO};
  si.commandBufferCount = 1;
  si.pCommandBuffers = &current_.cb;
  check(vkQueueSubmit(ctx_.queue(), 1, &si, current_.fence), "vkQueueSubmit");
  in_flight_.push_back(current_);
  current_ = Slot{};
  recording_ = false;
  ++serial_;
  ++submissions_;
  retire(in_flight_.size() > kMaxInFlight);
}

void CommandStream::retire(bool wait_oldest) {
  VkDevice dev = ctx_.device();
  while (!in_flight_.empty()) {
    Slot& s = in_flight_.front();
    VkResult r;
    if (wait_oldest) {
      r = vkWaitForFences(dev, 1, &s.fence, VK_TRUE, UINT64_MAX);
      ++waits_;
      wait_oldest = false;
    } else {
      r = vkGetFenceStatus(dev, s.fence);
    }
    if (r == VK_NOT_READY || r == VK_TIMEOUT) break;
    check(r, "waiting for a submission");
    completed_ = std::max(completed_, s.serial);
    if (profiler_) profiler_->collect(s.cb);
    vkResetFences(dev, 1, &s.fence);
    vkResetCommandBuffer(s.cb, 0);
    if (s.pool) vkResetDescriptorPool(dev, s.pool, 0);
    free_slots_.push_back(s);
    in_flight_.pop_front();
  }
  while (!deferred_.empty() && deferred_.begin()->first <= completed_) {
    auto fn = std::move(deferred_.begin()->second);
    deferred_.erase(deferred_.begin());
    fn();
  }
}

uint64_t CommandStream::completed_serial() {
  retire(false);
  return completed_;
}

void CommandStream::wait(uint64_t serial) {
  if (recording_ && serial >= serial_) submit();
  if (!recording_ && serial >= serial_) serial = serial_ - 1;
  while (completed_ < serial && !in_flight_.empty()) retire(true);
  retire(false);
}

void CommandStream::after(uint64_t serial, std::function<void()> fn) {
  if (serial <= completed_ || (!recording_ && serial >= serial_)) {
    fn();
    return;
  }
  deferred_.emplace(serial, std::move(fn));
}

}  // namespace vkflow::vk
