#include "runtime/cpu/cpu_device.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
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

// Allocations are rounded to whole 64-byte lines; accounting uses the rounded size.
size_t rounded_size(size_t bytes) { return bytes == 0 ? 64 : (bytes + 63) / 64 * 64; }

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
    void* p = std::aligned_alloc(64, rounded);
    if (!p) {
      in_use_.fetch_sub(rounded);
      throw OutOfMemory(name(), bytes, now - rounded);
    }
    uint64_t peak = peak_.load();
    while (now > peak && !peak_.compare_exchange_weak(peak, now)) {}
    return std::make_shared<CpuBuffer>(*this, p, bytes);
  }
  void release(void* p, size_t bytes) {
    std::free(p);
    in_use_.fetch_sub(rounded_size(bytes));
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
  void set_budget(uint64_t b) { budget_ = b ? b : default_budget(); }

 private:
  void check_range(const Buffer& b, size_t offset, size_t n, const char* what) const {
    if (&b.device() != this) throw Error(std::string("cpu ") + what + ": buffer belongs to " + b.device().name());
    if (offset > b.size() || n > b.size() - offset)
      throw Error(std::string("cpu ") + what + ": " + std::to_string(n) + " bytes at offset " +
                  std::to_string(offset) + " exceed a buffer of " + std::to_string(b.size()));
  }

  uint64_t total_;
  std::atomic<uint64_t> budget_;
  std::atomic<uint64_t> in_use_{0}, peak_{0};
};

CpuBuffer::~CpuBuffer() { dev_.release(p_, n_); }
Device& CpuBuffer::device() const { return dev_; }

CpuDevice& the_device() {
  static CpuDevice d;
  return d;
}

}  // namespace

Device& device() { return the_device(); }
void set_budget(uint64_t bytes) { the_device().set_budget(bytes); }

}  // namespace vkflow::cpu
