#pragma once
// The allocator's bytes in use while a model's forward runs, replayed from shapes: estimators
// walk a model in the order its code allocates (ops allocate their output, then any kernel
// workspace; a full-expression keeps its temporaries until it ends; a reassigned Tensor frees
// the old one) and read the high-water mark. Both backends free a tensor when its last
// reference goes (Vulkan hands memory back in GPU order, runtime/vulkan/allocator.hpp), so
// the high-water is what the code holds live, plus the CPU kernels' workspace (Scratch<T>).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "runtime/core/device.hpp"
#include "runtime/core/dtype.hpp"

namespace vkflow::models {

// An integer from a file's metadata (stored as a number or a string), or `fallback`.
inline int64_t metadata_count(const nlohmann::json& meta, const char* key, int64_t fallback) {
  if (!meta.is_object() || !meta.contains(key)) return fallback;
  const auto& v = meta[key];
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_string()) {
    try {
      return std::stoll(v.get<std::string>());
    } catch (const std::exception&) {
    }
  }
  return fallback;
}

// Bytes an allocation of `bytes` takes in the device's accounting: the Vulkan allocator hands
// out 256-byte aligned ranges; the CPU device rounds to 64 bytes, and from 1 MiB on (blocks
// it caches for reuse) to 64 KiB.
inline double allocated_bytes(double bytes, DeviceKind device) {
  auto up = [](double b, double q) { return std::ceil(b / q) * q; };
  if (bytes <= 0) return 0;
  if (device != DeviceKind::Cpu) return up(bytes, 256);
  return bytes >= double(1 << 20) ? up(bytes, 65536) : up(bytes, 64);
}

class LiveBytes {
 public:
  LiveBytes(DeviceKind device, int act_bytes) : device_(device), act_(act_bytes) {}

  // Bytes of an activation of `elems` elements.
  double act(double elems) const { return elems * act_; }
  bool cpu() const { return device_ == DeviceKind::Cpu; }

  // An op's output of `elems` activations, then `scratch` bytes of kernel workspace while it
  // runs. Returns the output's bytes (to free later).
  double op(double elems, double scratch = 0) {
    const double b = allocated_bytes(act(elems), device_);
    alloc(b);
    if (scratch > 0) {
      const double s = allocated_bytes(scratch, device_);
      alloc(s);
      free(s);
    }
    return b;
  }
  // `bytes` as allocated (callers pass what op() returned, or a size already rounded).
  void alloc(double bytes) {
    live_ += bytes;
    peak_ = std::max(peak_, live_);
    largest_ = std::max(largest_, bytes);
  }
  void free(double bytes) { live_ -= bytes; }

  double live() const { return live_; }
  double peak() const { return peak_; }
  double largest() const { return largest_; }

  // CPU kernel workspace (runtime/cpu/ops); 0 on other devices.
  // conv2d: the weight widened to f32 when stored narrower, and im2col columns in chunks of
  // 512 Ki floats (none for a pointwise convolution).
  double conv_scratch(double cin, double cout, int64_t k, double out_positions, DType weight) const {
    if (!cpu()) return 0;
    const double kc = cin * k * k;
    double s = weight == DType::F32 ? 0 : cin * cout * k * k * 4;
    if (k > 1) s += kc * std::min(out_positions, std::max(64.0, double(1 << 19) / kc)) * 4;
    return s;
  }
  // linear: a non-f32 weight is widened in tiles of 4 MiB of f32 rows (at least 16 rows)
  // unless there are at most 8 activation rows.
  double linear_scratch(double rows, double n, double k, DType weight) const {
    if (!cpu() || weight == DType::F32 || rows <= 8) return 0;
    const double nb = std::min(n, std::clamp(double(4 << 20) / (k * 4), 16.0, std::max(n, 16.0)));
    return nb * k * 4;
  }
  // attention: the keys packed in tiles of 64 (per batch and head), then one 32 x 64 score
  // tile with its softmax state per thread working on a (batch, head, 32 queries) task.
  double attention_scratch(double bh, double queries, double keys, double head_dim) const {
    if (!cpu()) return 0;
    const double tasks = bh * std::ceil(queries / 32);
    const double threads = std::max(1u, std::thread::hardware_concurrency());
    return bh * std::ceil(keys / 64) * 64 * head_dim * 4 + std::min(tasks, threads) * (32 * 64 * 4 + 2 * 128);
  }

 private:
  DeviceKind device_;
  int act_;
  double live_ = 0, peak_ = 0, largest_ = 0;
};

}  // namespace vkflow::models
