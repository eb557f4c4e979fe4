#pragma once
// Host<->device copies through a host-visible staging buffer, in chunks of the staging size,
// so uploading a 4 GiB weight needs only a small pinned buffer. When the device memory
// itself is host-visible and coherent (llvmpipe, ReBAR) the bytes are copied directly.
#include <cstdint>

#include "runtime/vulkan/allocator.hpp"
#include "runtime/vulkan/command_stream.hpp"

namespace vkflow::vk {

class Staging {
 public:
  Staging(const Context& ctx, CommandStream& stream, uint64_t chunk_bytes);
  ~Staging();
  // `dst`/`src` describe device memory; both wait for earlier GPU work touching it.
  // fresh: no recorded or submitted work uses `dst` yet, so a direct write need not wait.
  void upload(const Allocation& dst, uint64_t offset, const void* src, uint64_t n, bool direct, bool fresh = false);
  void download(const Allocation& src, uint64_t offset, void* dst, uint64_t n, bool direct);
  uint64_t chunk_bytes() const { return chunk_; }
  uint64_t chunks_copied() const { return chunks_; }

 private:
  Allocation& buffer();
  const Context& ctx_;
  CommandStream& stream_;
  uint64_t chunk_;
  Allocator alloc_;
  Allocation buf_{};
  uint64_t chunks_ = 0;
  uint64_t busy_ = 0;  // serial of the last recorded copy out of the staging buffer
};

}  // namespace vkflow::vk
