#include "runtime/cpu/cpu_device.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>
#include <string>

#include "runtime/core/error.hpp"
#include "runtime/core/tensor.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/thread_pool.hpp"

extern "C" void openblas_set_num_threads(int);

namespace vkflow::cpu {

KernelRegistry<CpuKernel>& kernels() {
  static KernelRegistry<CpuKernel> k;
  return k;
}

namespace {

uint64_t physical_ram() {
  long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? uint64_t(pages) * uint64_t(page) : 0;
}

uint64_t default_budget() {
  if (const char* e = std::getenv("VKFLOW_CPU_BUDGET_MB")) {
    char* end = nullptr;
    unsigned long long mb = std::strtoull(e, &end, 10);
    if (end != e && *end == '\0' && mb > 0) return uint64_t(mb) << 20;
    throw Error("VKFLOW_CPU_BUDGET_MB must be a positive number of MiB, got '" + std::string(e) + "'");
  }
  return physical_ram() / 10 * 9;
}

// Allocations are rounded to whole 64-byte lines (large ones to 64 KiB, so freed blocks are
// reused by later requests of similar size); accounting uses the rounded size.
constexpr size_t kCacheMin = size_t(1) << 20;  // smaller blocks go straight back to malloc
size_t rounded_size(size_t bytes) {
  if (bytes >= kCacheMin) return (bytes + 65535) / 65536 * 65536;
  return bytes == 0 ? 64 : (bytes + 63) / 64 * 64;
}

class CpuDevice;

class CpuBuffer final : public Buffer {
 public:
  CpuBuffer(CpuDevice& dev, void* p, size_t n) : dev_(dev), p_(p), n_(n) {}
  ~CpuBuffer() override;
  size_t size() const override { return n_; }
  Device& device() const override;
  void* host_ptr() const override { return p_; }

 private:
  CpuDevice& dev_;
  void* p_;
  size_t n_;
};

class CpuDevice final : public Device {
 public:
  CpuDevice() : total_(physical_ram()), budget_(default_budget()) {
    // OpenBLAS runs its own threads for one large GEMM at a time; our pool is idle meanwhile,
    // so both use every core. Kernels never call BLAS from inside parallel_for.
    openblas_set_num_threads(num_threads());
  }
  DeviceKind kind() const override { return DeviceKind::Cpu; }
  std::string name() const override { return "cpu"; }

  std::shared_ptr<Buffer> allocate(size_t bytes) override {
    size_t rounded = rounded_size(bytes);
    uint64_t now = in_use_.fetch_add(rounded) + rounded;
    if (budget_ && now > budget_) {
      in_use_.fetch_sub(rounded);
      throw OutOfMemory(name(), bytes, now - rounded);
    }
    void* p = take_cached(rounded);
    if (!p) p = std::aligned_alloc(64, rounded);
    if (!p) {  // give the cache back to the system and try once more
      release_cache();
      p = std::aligned_alloc(64, rounded);
    }
    if (!p) {
      in_use_.fetch_sub(rounded);
      throw OutOfMemory(name(), bytes, now - rounded);
    }
    uint64_t peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {}
    return std::make_shared<CpuBuffer>(*this, p, bytes);
  }
  void release(void* p, size_t bytes) {
    size_t rounded = rounded_size(bytes);
    in_use_.fetch_sub(rounded);
    if (rounded >= kCacheMin) {
      std::lock_guard<std::mutex> lk(cache_m_);
      // Keep freed large blocks (up to an eighth of the budget): a fresh block costs a page
      // fault per 4 KiB on first touch, often more than the op writing it.
      if (cached_ + rounded <= budget_.load() / 8) {
        cache_.emplace(rounded, p);
        cached_ += rounded;
        return;
      }
    }
    std::free(p);
  }
  void release_cache() {
    std::lock_guard<std::mutex> lk(cache_m_);
    for (auto& [n, p] : cache_) std::free(p);
    cache_.clear();
    cached_ = 0;
  }

  void upload(Buffer& dst, size_t offset, const void* src, size_t n) override {
    check_range(dst, offset, n, "upload");
    std::memcpy(static_cast<char*>(dst.host_ptr()) + offset, src, n);
  }
  void download(const Buffer& src, size_t offset, void* dst, size_t n) override {
    check_range(src, offset, n, "download");
    std::memcpy(dst, static_cast<const char*>(src.host_ptr()) + offset, n);
  }

  void run(const OpCall& call) override {
    const auto* e = kernels().find(call.op);
    if (!e) throw Unsupported("op '" + std::string(call.op) + "' has no CPU kernel");
    for (const Tensor& t : call.inputs)
      if (t.defined() && &t.device() != this)
        throw Error("op '" + std::string(call.op) + "': input on " + t.device().name() + ", not on cpu");
    for (const Tensor& t : call.outputs)
      if (!t.defined() || &t.device() != this)
        throw Error("op '" + std::string(call.op) + "': outputs must be allocated on cpu");
    e->kernel(call);
  }
  void synchronize() override {}

  bool supports(std::string_view op, DType dtype) const override { return kernels().supports(op, dtype); }
  MemoryStats memory() const override {
    MemoryStats s;
    s.in_use = in_use_.load();
    s.peak = peak_.load();
    s.budget = budget_;
    s.total = total_;
    return s;
  }
  void reset_peak() override { peak_.store(in_use_.load()); }
  void set_budget(uint64_t b) {
    budget_ = b ? b : default_budget();
    release_cache();
  }

 private:
  void* take_cached(size_t rounded) {
    if (rounded < kCacheMin) return nullptr;
    std::lock_guard<std::mutex> lk(cache_m_);
    auto it = cache_.find(rounded);
    if (it == cache_.end()) return nullptr;
    void* p = it->second;
    cache_.erase(it);
    cached_ -= rounded;
    return p;
  }

  void check_range(const Buffer& b, size_t offset, size_t n, const char* what) const {
    if (&b.device() != this) throw Error(std::string("cpu ") + what + ": buffer belongs to " + b.device().name());
    if (offset > b.size() || n > b.size() - offset)
      throw Error(std::string("cpu ") + what + ": " + std::to_string(n) + " bytes at offset " +
                  std::to_string(offset) + " exceed a buffer of " + std::to_string(b.size()));
  }

  uint64_t total_;
  std::atomic<uint64_t> budget_;
  std::atomic<uint64_t> in_use_{0}, peak_{0};
  std::mutex cache_m_;
  std::multimap<size_t, void*> cache_;  // freed large blocks by rounded size
  uint64_t cached_ = 0;
};

CpuBuffer::~CpuBuffer() { dev_.release(p_, n_); }
Device& CpuBuffer::device() const { return dev_; }

// Never destroyed: tensors held by other static objects may outlive any destruction order.
CpuDevice& the_device() {
  static CpuDevice* d = new CpuDevice;
  return *d;
}

}  // namespace

Device& device() { return the_device(); }
void set_budget(uint64_t bytes) { the_device().set_budget(bytes); }
void release_cached_memory() { the_device().release_cache(); }

}  // namespace vkflow::cpu
