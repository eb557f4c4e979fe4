#pragma once
// Hands a fuzz input to a reader as a real file (a memfd seen through /proc/self/fd), then
// walks everything the reader offers: every tensor's bytes, small ones converted to f32,
// detection and canonical naming — so out-of-range offsets would be touched.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <functional>
#include <string>

#include "runtime/core/error.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::fuzz {

inline void with_file(const uint8_t* data, size_t size, const std::function<void(const std::string&)>& fn) {
  int fd = memfd_create("vkflow_fuzz", MFD_CLOEXEC);
  if (fd < 0) return;
  for (size_t off = 0; off < size;) {
    ssize_t n = write(fd, data + off, size - off);
    if (n <= 0) { close(fd); return; }
    off += static_cast<size_t>(n);
  }
  fn("/proc/self/fd/" + std::to_string(fd));
  close(fd);
}

inline void exercise(std::unique_ptr<formats::TensorSource> src) {
  volatile uint64_t sink = 0;
  for (auto& t : src->tensors()) {
    auto b = src->bytes(t);
    if (!b.empty()) sink = sink + b[0] + b[b.size() - 1];
    if (t.nbytes <= (1u << 16)) {
      try {
        auto f = src->read_f32(t);
        if (!f.empty()) sink = sink + static_cast<uint64_t>(f[0] == f[0]);
      } catch (const Unsupported&) {  // e.g. bool has no f32 conversion
      }
    }
  }
  auto m = formats::ModelFile::from_source(std::move(src));
  std::vector<uint8_t> scratch;
  for (auto& w : m.weights())
    if (w.nbytes <= (1u << 16)) sink = sink + m.bytes(w, scratch).size();
}

}  // namespace vkflow::fuzz
