#include "runtime/vulkan/staging.hpp"

#include <algorithm>
#include <cstring>

namespace vkflow::vk {

namespace {
AllocatorOptions staging_options(uint64_t chunk) {
  AllocatorOptions o;
  o.block_size = chunk * 2 + (1 << 20);
  o.host_visible = true;
  o.budget = ~0ull;  // host memory: not counted against the device budget
  return o;
}
}  // namespace

Staging::Staging(const Context& ctx, CommandStream& stream, uint64_t chunk_bytes)
    : ctx_(ctx), stream_(stream), chunk_(chunk_bytes), alloc_(ctx, staging_options(chunk_bytes), "vulkan staging") {}

Staging::~Staging() {
  if (buf_.buffer) alloc_.free(buf_);
}

Allocation& Staging::buffer() {
  if (!buf_.buffer) buf_ = alloc_.allocate(chunk_);  // lazily: direct-mapped devices never need it
  return buf_;
}

void Staging::upload(const Allocation& dst, uint64_t offset, const void* src, uint64_t n, bool direct, bool fresh) {
  // The GPU may still read or write the old contents, unless no recorded work ever touched `dst`.
  if (!fresh) stream_.finish();
  if (direct && dst.mapped) {
    std::memcpy(static_cast<char*>(dst.mapped) + offset, src, n);
    return;
  }
  // The copy is only recorded: later work on the queue sees it (the stream's barriers order
  // it), so a small upload costs no wait; the staging buffer is reused once its copy ran.
  Allocation& st = buffer();
  for (uint64_t done = 0; done < n; done += chunk_) {
    uint64_t len = std::min(chunk_, n - done);
    stream_.wait(busy_);
    std::memcpy(st.mapped, static_cast<const char*>(src) + done, len);
    stream_.copy(st.buffer, st.offset, dst.buffer, dst.offset + offset + done, len);
    busy_ = stream_.recording_serial();
    ++chunks_;
  }
}

void Staging::download(const Allocation& src, uint64_t offset, void* dst, uint64_t n, bool direct) {
  // Uncached mapped memory (ReBAR device-local on discrete GPUs) reads back over PCIe at a
  // few MB/s; a GPU copy into cached staging memory is far faster there.
  if (direct && src.mapped && src.cached) {
    stream_.finish();
    std::memcpy(dst, static_cast<const char*>(src.mapped) + offset, n);
    return;
  }
  // The copy is recorded behind the work that writes `src` (one submission, one wait).
  Allocation& st = buffer();
  for (uint64_t done = 0; done < n; done += chunk_) {
    uint64_t len = std::min(chunk_, n - done);
    stream_.copy(src.buffer, src.offset + offset + done, st.buffer, st.offset, len);
    stream_.finish();
    std::memcpy(static_cast<char*>(dst) + done, st.mapped, len);
    ++chunks_;
  }
}

}  // namespace vkflow::vk
