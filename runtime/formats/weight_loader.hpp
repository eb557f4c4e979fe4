#pragma once
// Streams a model's weights from the file(s) to a device: tensors in file-offset order, in
// large chunks; a reader thread pread()s the next chunks (POSIX_FADV_SEQUENTIAL) into staging
// buffers while the caller's thread uploads the current one, so storage reads and uploads
// overlap (for host-addressable device memory, such as the CPU's, it reads straight into
// the tensors instead). Converted weights (weight-norm folds, f8 upcasts, requested f32) are produced from
// the mapping. Reports the achieved rate.
#include <functional>
#include <map>
#include <string>

#include "runtime/core/device.hpp"
#include "runtime/core/tensor.hpp"
#include "runtime/formats/model_file.hpp"

namespace vkflow::formats {

struct LoadOptions {
  uint64_t chunk_bytes = 64ull << 20;  // the unit of read-ahead and upload
  int read_ahead_chunks = 2;           // how far the reader thread may run ahead
  // Staged path only: read with O_DIRECT (no page-cache copy, no cache pollution) where the
  // file system allows it; falls back to buffered reads otherwise.
  bool direct_io = false;
  // Host-addressable destinations (the CPU device): Direct reads straight into the tensors
  // (best when the file is in the page cache); Staged reads large chunks into staging
  // buffers and copies them (best from storage: measured 2x faster cold in bench/); Auto
  // picks Direct when >= 90% of the file's pages are cached (mincore), else Staged.
  enum class HostPath { Auto, Direct, Staged } host_path = HostPath::Auto;
  // Which weights to load (all when empty).
  std::function<bool(const WeightInfo&)> select;
  // Weights to load dequantized as F32 (e.g. block types the device has no kernel for).
  std::function<bool(const WeightInfo&)> as_f32;
};

struct LoadStats {
  uint64_t bytes = 0;  // bytes uploaded
  size_t tensors = 0;
  double seconds = 0;
  // Where the time went: allocating the tensors (and converting weights that need it), the
  // reader thread's reads, the caller waiting for reads, and uploading (incl. the final sync).
  double alloc_seconds = 0, read_seconds = 0, wait_seconds = 0, upload_seconds = 0;
  double bytes_per_second() const { return seconds > 0 ? bytes / seconds : 0; }
};

// Canonical name -> tensor on `dev`. Throws FormatError (bad file) or OutOfMemory (device).
std::map<std::string, Tensor> load_weights(const ModelFile& m, Device& dev, const LoadOptions& opt = {},
                                           LoadStats* stats = nullptr);

}  // namespace vkflow::formats
