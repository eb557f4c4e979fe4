#include "runtime/vulkan/vulkan_device.hpp"

#include <array>
#include <cstdlib>

#include <spdlog/spdlog.h>

#include "runtime/core/error.hpp"

namespace vkflow::vulkan {

namespace {
std::string env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}
}  // namespace

KernelRegistry<Kernel>& kernels() {
  static KernelRegistry<Kernel> k;
  return k;
}

// A suballocation; freeing it waits (without blocking) for the last submission that used it.
class VulkanBuffer final : public Buffer {
 public:
  VulkanBuffer(VulkanDevice& dev, vk::Allocation a) : dev_(dev), a_(a) {}
  ~VulkanBuffer() override { dev_.release(a_, last_use); }
  size_t size() const override { return a_.size; }
  Device& device() const override { return dev_; }
  const vk::Allocation& allocation() const { return a_; }
  mutable uint64_t last_use = 0;  // serial of the last submission recording a use

 private:
  VulkanDevice& dev_;
  vk::Allocation a_;
};

namespace {
const VulkanBuffer& vbuf(const Buffer& b) {
  auto* v = dynamic_cast<const VulkanBuffer*>(&b);
  if (!v) throw Error("Vulkan: buffer belongs to another device (" + b.device().name() + ")");
  return *v;
}
}  // namespace

VulkanDevice::VulkanDevice(Options opt) {
  vk::DeviceInfo info = vk::choose_device(opt.device);
  name_ = "vulkan" + std::to_string(info.index) + " (" + info.name + ")";
  ctx_ = std::make_unique<vk::Context>(std::move(info));
  vk::AllocatorOptions ao;
  ao.block_size = opt.block_size;
  ao.budget = opt.budget;
  if (std::string b = env("VKFLOW_VK_BUDGET_MB"); !b.empty() && !opt.budget) ao.budget = std::stoull(b) << 20;
  alloc_ = std::make_unique<vk::Allocator>(*ctx_, ao, name_);
  cache_ = std::make_unique<vk::PipelineCache>(*ctx_);
  pipes_ = std::make_unique<vk::PipelineSet>(*ctx_, *cache_);
  if (std::string d = env("VKFLOW_VK_SUBMIT_DISPATCHES"); !d.empty())
    opt.submit.max_dispatches = static_cast<uint32_t>(std::max(1ul, std::stoul(d)));
  if (std::string d = env("VKFLOW_VK_STARVED_DISPATCHES"); !d.empty())  // bench A/B; large = off
    opt.submit.starved_dispatches = static_cast<uint32_t>(std::max(1ul, std::stoul(d)));
  stream_ = std::make_unique<vk::CommandStream>(*ctx_, opt.submit);
  staging_ = std::make_unique<vk::Staging>(*ctx_, *stream_, opt.staging_chunk);
  direct_ = !(opt.force_staging || env("VKFLOW_VK_STAGING") == "1");
  defer_frees_ = env("VKFLOW_VK_DEFER_FREES") == "1";  // the old behaviour, to compare

  std::string p = env("VKFLOW_VK_PATH");
  if (opt.path) path_ = *opt.path;
  else if (p == "fp32") path_ = Path::Fp32;
  else if (p == "fast" || p.empty()) path_ = fast_available() ? Path::Fast : Path::Fp32;
  else throw Error("VKFLOW_VK_PATH must be fp32 or fast, not '" + p + "'");
  if (path_ == Path::Fast && !fast_available())
    throw Error("Vulkan fast path requested but " + info.name + " has neither fp16 arithmetic nor cooperative matrices");
  name_ += fast() ? " [fast]" : " [fp32]";
  spdlog::debug("{}: {} path, subgroup {}, coop matrix {}", name_, fast() ? "fast" : "fp32",
                ctx_->info().subgroup_size, ctx_->info().coop_matrix_nv);
}

VulkanDevice::~VulkanDevice() {
  // Order matters: pending work must finish (and its deferred frees run) before the
  // allocator goes; the cache is saved after the last pipeline was built.
  dummy_ = Tensor();
  try {
    stream_->finish();
  } catch (...) {
  }
  staging_.reset();
  stream_.reset();
  pipes_.reset();
  cache_.reset();
  alloc_.reset();
}

bool VulkanDevice::fast_available() const {
  const auto& i = ctx_->info();
  return (i.fp16_arith && i.storage16) || i.coop_matrix_nv;
}

std::shared_ptr<Buffer> VulkanDevice::allocate(size_t bytes) {
  // Memory still held by finished-but-unretired submissions may be what makes this fit.
  stream_->completed_serial();
  if (stream_->idle()) alloc_->settle();
  try {
    return std::make_shared<VulkanBuffer>(*this, alloc_->allocate(bytes));
  } catch (const OutOfMemory&) {
    stream_->finish();  // let deferred frees run, return cached blocks, then try once more
    alloc_->settle();
    alloc_->trim();
    return std::make_shared<VulkanBuffer>(*this, alloc_->allocate(bytes));
  }
}

void VulkanDevice::release(const vk::Allocation& a, uint64_t last_use) {
  // An allocation goes back at once even while the GPU may still use it, so work recorded
  // in the same submission can reuse it (peaks then match what ops hold live, not everything
  // freed since the last fence); a dedicated block is then kept until the GPU is idle.
  vk::Allocator* alloc = alloc_.get();
  if (!defer_frees_) {
    alloc->free(a, last_use > stream_->completed_serial());
    return;
  }
  stream_->after(last_use, [alloc, a] { alloc->free(a); });
}

void VulkanDevice::upload(Buffer& dst, size_t offset, const void* src, size_t n) {
  const auto& b = vbuf(dst);
  if (offset + n > b.size()) throw Error("Vulkan upload past the end of a buffer");
  // Always wait before writing: even a buffer no command has used may sit on memory the
  // allocator handed back while the GPU still reads it (frees are immediate, in GPU order).
  staging_->upload(b.allocation(), offset, src, n, direct_, /*fresh=*/false);
  // A staged upload is a recorded copy: the buffer is in use until it ran.
  if (!(direct_ && b.allocation().mapped)) b.last_use = stream_->recording_serial();
}

void VulkanDevice::download(const Buffer& src, size_t offset, void* dst, size_t n) {
  const auto& b = vbuf(src);
  if (offset + n > b.size()) throw Error("Vulkan download past the end of a buffer");
  staging_->download(b.allocation(), offset, dst, n, direct_);
}

const Tensor& VulkanDevice::dummy() {
  if (!dummy_.defined()) dummy_ = Tensor::empty(*this, DType::F32, {64});
  return dummy_;
}

void VulkanDevice::synchronize() {
  stream_->finish();
  alloc_->settle();
}

bool VulkanDevice::supports(std::string_view op, DType dtype) const { return kernels().supports(op, dtype); }

MemoryStats VulkanDevice::memory() const {
  MemoryStats m;
  m.in_use = alloc_->in_use();
  m.peak = alloc_->peak();
  m.budget = alloc_->budget();
  m.total = ctx_->info().device_local_bytes();
  return m;
}

void VulkanDevice::reset_peak() { alloc_->reset_peak(); }

const vk::Pipeline& VulkanDevice::pipeline(const std::string& shader, uint32_t bindings, uint32_t push_size,
                                           const std::vector<uint32_t>& spec) {
  return pipes_->get(shader, bindings, push_size, spec);
}

uint64_t VulkanDevice::device_offset(const Tensor& t) const { return vbuf(t.buffer()).allocation().offset + t.offset(); }

bool VulkanDevice::is_aligned(const Tensor& t) const {
  const auto& a = vbuf(t.buffer()).allocation();
  return (a.offset + t.offset()) % std::max<uint64_t>(1, info().storage_offset_align) == 0;
}

void VulkanDevice::dispatch(const vk::Pipeline& p, const std::vector<Arg>& args, const void* push, uint32_t gx,
                            uint32_t gy, uint32_t gz, double work) {
  if (args.size() > vk::kMaxBindings) throw Error("Vulkan: " + p.name + " binds too many buffers");
  std::array<vk::BufferRange, vk::kMaxBindings> ranges;
  size_t used = 0;
  for (const Arg& arg : args) {
    const Tensor& t = *arg.tensor;
    const auto& b = vbuf(t.buffer());
    uint64_t total = std::max<uint64_t>(t.nbytes(), 4);
    // Whole-tensor bindings round up to a word: shaders read 16-bit/block data as uint[].
    uint64_t len = arg.bytes ? arg.bytes : (total - arg.byte_offset + 3) / 4 * 4;
    uint64_t off = b.allocation().offset + t.offset() + arg.byte_offset;
    if (off % std::max<uint64_t>(1, info().storage_offset_align))
      throw Error("Vulkan: " + p.name + " binding at unaligned offset " + std::to_string(off));
    if (len > info().max_storage_range)
      throw Unsupported("Vulkan: " + p.name + " needs a binding of " + std::to_string(len) +
                        " bytes, above this device's maxStorageBufferRange of " +
                        std::to_string(info().max_storage_range) + "; tile the op");
    len = std::min<uint64_t>(len, b.allocation().reserved - (off - b.allocation().offset));
    ranges[used++] = {b.allocation().buffer, off, len, arg.write};
    b.last_use = stream_->recording_serial();
  }
  stream_->dispatch(p, {ranges.data(), used}, push, gx, gy, gz, work);
  // The dispatch may have submitted; uses stay tied to the serial they were recorded in.
}

void VulkanDevice::copy_bytes(const Tensor& src, uint64_t src_off, const Tensor& dst, uint64_t dst_off, uint64_t n) {
  const auto& s = vbuf(src.buffer());
  const auto& d = vbuf(dst.buffer());
  s.last_use = d.last_use = stream_->recording_serial();
  stream_->copy(s.allocation().buffer, s.allocation().offset + src.offset() + src_off, d.allocation().buffer,
                d.allocation().offset + dst.offset() + dst_off, n);
}

Tensor VulkanDevice::aligned(const Tensor& t) {
  if (is_aligned(t)) return t;
  Tensor c = Tensor::empty(*this, t.dtype(), t.shape());
  copy_bytes(t, 0, c, 0, t.nbytes());
  return c;
}

void VulkanDevice::run(const OpCall& call) {
  const auto* e = kernels().find(call.op);
  DType dt = call.inputs.empty() ? DType::F32 : call.inputs.back().dtype();
  if (!e) throw Unsupported("Vulkan: no kernel for op '" + std::string(call.op) + "'");
  for (const Tensor& t : call.inputs)
    if (t.defined() && &t.device() != this)
      throw Error("Vulkan: op '" + std::string(call.op) + "' got an input on " + t.device().name());
  (void)dt;
  // Kernels only ever see aligned bindings: unaligned views are copied (rare: odd slices).
  bool all_aligned = true;
  for (const Tensor& t : call.inputs) all_aligned &= !t.defined() || is_aligned(t);
  for (const Tensor& t : call.outputs) all_aligned &= is_aligned(t);
  if (all_aligned) {
    e->kernel(*this, call);
    return;
  }
  std::vector<Tensor> ins, outs;
  for (const Tensor& t : call.inputs) ins.push_back(t.defined() ? aligned(t) : t);
  for (const Tensor& t : call.outputs) outs.push_back(is_aligned(t) ? t : Tensor::empty(*this, t.dtype(), t.shape()));
  e->kernel(*this, OpCall{call.op, ins, outs, call.params});
  for (size_t i = 0; i < outs.size(); ++i)
    if (outs[i].buffer_ptr() != call.outputs[i].buffer_ptr()) copy_bytes(outs[i], 0, call.outputs[i], 0, outs[i].nbytes());
}

bool available() {
  static bool ok = !vk::enumerate_devices().empty();
  return ok;
}

VulkanDevice& device() {
  // Initialised in its declaration so it is registered for destruction after the driver
  // loaded, and so torn down before the driver's own exit handlers run.
  static std::unique_ptr<VulkanDevice> dev = std::make_unique<VulkanDevice>();
  return *dev;
}

}  // namespace vkflow::vulkan
