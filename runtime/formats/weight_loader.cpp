#include "runtime/formats/weight_loader.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <cstdlib>
#include <memory>
#include <thread>

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::formats {
namespace {

// A contiguous piece of one weight's file bytes, uploaded at `dst_offset` in its tensor.
struct Piece {
  size_t weight;
  const uint8_t* src;
  uint64_t n, dst_offset;
};
constexpr uint64_t kDirectAlign = 4096;  // O_DIRECT offset/length/memory alignment

// Page-aligned staging memory (O_DIRECT needs it; plain reads do not mind).
class AlignedBuffer {
 public:
  explicit AlignedBuffer(uint64_t n) {
    void* p = nullptr;
    if (posix_memalign(&p, kDirectAlign, std::max<uint64_t>(n, 1)) != 0) throw OutOfMemory("host (weight loader staging)", n, 0);
    p_.reset(static_cast<uint8_t*>(p));
  }
  uint8_t* data() const { return p_.get(); }

 private:
  struct Free { void operator()(uint8_t* p) const { std::free(p); } };
  std::unique_ptr<uint8_t, Free> p_;
};

constexpr size_t kMaxIov = 512;  // below every IOV_MAX

// Fills `iov` from the file at `off`, resuming after short reads; "" or an error message.
std::string preadv_all(int fd, std::vector<iovec> iov, uint64_t off, const std::string& path) {
  size_t first = 0;
  for (;;) {
    while (first < iov.size() && iov[first].iov_len == 0) ++first;
    if (first == iov.size()) break;
    ssize_t n = ::preadv(fd, iov.data() + first, static_cast<int>(iov.size() - first), static_cast<off_t>(off));
    if (n <= 0) return path + ": read failed at offset " + std::to_string(off);
    off += static_cast<uint64_t>(n);
    for (size_t left = static_cast<size_t>(n); left > 0 && first < iov.size();) {
      size_t take = std::min(left, iov[first].iov_len);
      iov[first].iov_base = static_cast<uint8_t*>(iov[first].iov_base) + take;
      iov[first].iov_len -= take;
      left -= take;
      if (iov[first].iov_len == 0) ++first;
    }
  }
  return {};
}

// Fraction of the model files' pages that are in the page cache.
double cached_fraction(const ModelFile& m) {
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  uint64_t pages = 0, cached = 0;
  std::vector<unsigned char> vec;
  for (auto& src : m.sources())
    for (auto& f : src->files()) {
      if (f->size() == 0) continue;
      vec.resize((f->size() + page - 1) / page);
      if (mincore(const_cast<uint8_t*>(f->data()), f->size(), vec.data()) != 0) return 0;
      pages += vec.size();
      for (unsigned char v : vec) cached += v & 1;
    }
  return pages ? static_cast<double>(cached) / pages : 1;
}

struct Chunk {
  std::vector<Piece> pieces;
  const uint8_t* begin = nullptr;  // file bytes spanned (for read-ahead)
  const uint8_t* end = nullptr;
  const void* file = nullptr;  // chunks never span two mapped files
};

}  // namespace

std::map<std::string, Tensor> load_weights(const ModelFile& m, Device& dev, const LoadOptions& opt, LoadStats* stats) {
  auto t0 = std::chrono::steady_clock::now();
  const uint64_t chunk_bytes = std::max<uint64_t>(opt.chunk_bytes, 1 << 20);
  std::vector<const WeightInfo*> ws;
  for (auto& w : m.weights())
    if (!opt.select || opt.select(w)) ws.push_back(&w);
  // File order: sources, then files, then offsets (weights that are computed sort by their input).
  std::sort(ws.begin(), ws.end(), [](auto* a, auto* b) {
    return std::tie(a->source, a->stored->file, a->stored->offset) < std::tie(b->source, b->stored->file, b->stored->offset);
  });

  std::map<std::string, Tensor> out;
  std::vector<Tensor> tensors(ws.size());
  std::vector<Chunk> chunks(1);
  std::vector<uint8_t> scratch;
  uint64_t total = 0;

  for (size_t i = 0; i < ws.size(); ++i) {
    const WeightInfo& w = *ws[i];
    const bool f32 = opt.as_f32 && opt.as_f32(w) && w.dtype != DType::F32;
    if (f32 || w.kind != WeightInfo::Kind::Direct) {  // converted here; small next to the streamed bytes
      std::vector<float> v;
      if (f32) {
        v = m.read_f32(w.name);
        tensors[i] = Tensor::from_host(dev, DType::F32, w.shape, v.data());
      } else {
        auto b = m.bytes(w, scratch);
        tensors[i] = Tensor::from_host(dev, w.dtype, w.shape, b.data());
      }
      total += tensors[i].nbytes();
      continue;
    }
    tensors[i] = Tensor::empty(dev, w.dtype, w.shape);
    const TensorSource& source = *m.sources()[w.source];
    auto src = source.bytes(*w.stored);
    const void* file = source.files()[w.stored->file].get();
    if (chunks.back().file && chunks.back().file != file) chunks.emplace_back();
    chunks.back().file = file;
    for (uint64_t off = 0; off < src.size();) {
      Chunk& c = chunks.back();
      uint64_t used = c.begin ? static_cast<uint64_t>(c.end - c.begin) : 0;
      if (used >= chunk_bytes) { chunks.emplace_back().file = file; continue; }
      uint64_t n = std::min<uint64_t>(src.size() - off, chunk_bytes - used);
      const uint8_t* p = src.data() + off;
      c.pieces.push_back({i, p, n, off});
      if (!c.begin || p < c.begin) c.begin = p;
      c.end = std::max(c.end, p + n);
      off += n;
    }
  }

  // Reader thread: large pread()s of chunk k+1.. into staging buffers while chunk k uploads.
  // (Plain reads beat faulting the mapping in page by page on cold files.)
  const int depth = std::max(1, opt.read_ahead_chunks);
  bool direct = true;  // every destination is host memory (CPU device): no staging copy
  for (auto& c : chunks)
    for (auto& p : c.pieces) direct = direct && tensors[p.weight].host_data() != nullptr;
  if (direct && opt.host_path != LoadOptions::HostPath::Direct)
    direct = opt.host_path == LoadOptions::HostPath::Auto && cached_fraction(m) >= 0.9;
  using Clock = std::chrono::steady_clock;
  auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };
  const double alloc_s = since(t0);
  double read_s = 0, wait_s = 0, upload_s = 0;
  const bool odirect = opt.direct_io && !direct;
  uint64_t span = 0;
  for (auto& c : chunks) span = std::max<uint64_t>(span, static_cast<uint64_t>(c.end - c.begin));
  std::vector<AlignedBuffer> staging;
  if (!direct)
    for (int i = 0; i < depth; ++i) staging.emplace_back(span + 2 * kDirectAlign);
  std::vector<const uint8_t*> staged(depth, nullptr);  // where chunk k's first byte landed in its slot
  std::map<const void*, int> fds;
  std::map<const void*, bool> fd_is_direct;
  for (auto& src : m.sources())
    for (auto& mf : src->files()) {
      if (fds.count(mf.get())) continue;
      int fd = odirect ? ::open(mf->path().c_str(), O_RDONLY | O_CLOEXEC | O_DIRECT) : -1;
      fd_is_direct[mf.get()] = fd >= 0;
      if (fd < 0) fd = ::open(mf->path().c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        for (auto& [k, f] : fds) ::close(f);
        throw FormatError(mf->path().string(), "cannot reopen for reading");
      }
      posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
      fds[mf.get()] = fd;
    }
  std::vector<uint8_t> gap(direct ? 1 << 20 : 0);  // skipped bytes between pieces read with preadv
  std::mutex mu;
  std::condition_variable cv;
  size_t ready = 0, consumed = 0;
  bool stop = false;
  std::string read_error;
  std::thread reader([&] {
    for (size_t k = 0; k < chunks.size(); ++k) {
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return stop || k < consumed + depth; });
        if (stop) return;
      }
      const Chunk& c = chunks[k];
      std::string err;
      const auto r0 = Clock::now();
      if (c.begin) {
        auto* mf = static_cast<const MappedFile*>(c.file);
        const int fd = fds[c.file];
        auto read = [&](uint8_t* dst, uint64_t size, uint64_t off) {
          for (uint64_t done = 0; done < size && err.empty();) {
            ssize_t n = ::pread(fd, dst + done, size - done, static_cast<off_t>(off + done));
            if (n <= 0) err = mf->path().string() + ": read failed at offset " + std::to_string(off + done);
            else done += static_cast<uint64_t>(n);
          }
        };
        const uint64_t off = static_cast<uint64_t>(c.begin - mf->data()), size = static_cast<uint64_t>(c.end - c.begin);
        if (direct) {
          // Host-addressable device memory: read straight into the tensors, but with one
          // preadv() per run of neighbouring pieces (small gaps land in a scratch page) —
          // a pread per tensor is latency-bound on cold files with many small tensors.
          std::vector<iovec> iov;
          uint64_t run_off = 0, cursor = 0;
          auto flush = [&] {
            if (!iov.empty() && err.empty()) err = preadv_all(fd, iov, run_off, mf->path().string());
            iov.clear();
          };
          for (const Piece& p : c.pieces) {
            const uint64_t at = static_cast<uint64_t>(p.src - mf->data());
            if (iov.empty() || at < cursor || at - cursor > gap.size() || iov.size() + 2 > kMaxIov) {
              flush();
              run_off = cursor = at;
            } else if (at > cursor) {
              iov.push_back({gap.data(), static_cast<size_t>(at - cursor)});
            }
            iov.push_back({static_cast<uint8_t*>(tensors[p.weight].host_data()) + p.dst_offset, static_cast<size_t>(p.n)});
            cursor = at + p.n;
          }
          flush();
        } else if (fd_is_direct[c.file]) {
          // O_DIRECT wants block-aligned offsets, lengths and memory: read the aligned cover,
          // clipped to the (block-rounded) file end; a short read at EOF is expected.
          const uint64_t a0 = off / kDirectAlign * kDirectAlign;
          const uint64_t a1 = std::min((off + size + kDirectAlign - 1) / kDirectAlign * kDirectAlign,
                                       (mf->size() + kDirectAlign - 1) / kDirectAlign * kDirectAlign);
          uint8_t* buf = staging[k % depth].data();
          for (uint64_t done = 0; a0 + done < off + size && err.empty();) {
            ssize_t n = ::pread(fd, buf + done, a1 - a0 - done, static_cast<off_t>(a0 + done));
            if (n <= 0) err = mf->path().string() + ": O_DIRECT read failed at offset " + std::to_string(a0 + done);
            else done += static_cast<uint64_t>(n);
          }
          staged[k % depth] = buf + (off - a0);
        } else {
          read(staging[k % depth].data(), size, off);
          staged[k % depth] = staging[k % depth].data();
        }
      }
      read_s += since(r0);
      std::lock_guard lk(mu);
      if (!err.empty()) { read_error = err; stop = true; }
      ready = k + 1;
      cv.notify_all();
      if (stop) return;
    }
  });
  auto finish = [&] {
    { std::lock_guard lk(mu); stop = true; }
    cv.notify_all();
    reader.join();
    for (auto& [k, f] : fds) ::close(f);
  };
  try {
    for (size_t k = 0; k < chunks.size(); ++k) {
      const auto w0 = Clock::now();
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return ready > k; });
        if (!read_error.empty()) throw FormatError(read_error, "I/O error while loading weights");
      }
      wait_s += since(w0);
      const auto u0 = Clock::now();
      const Chunk& c = chunks[k];
      for (const Piece& p : c.pieces) {
        Tensor& t = tensors[p.weight];
        if (!direct) dev.upload(t.buffer(), t.offset() + p.dst_offset, staged[k % depth] + (p.src - c.begin), p.n);
        total += p.n;
      }
      upload_s += since(u0);
      std::lock_guard lk(mu);
      consumed = k + 1;
      cv.notify_all();
    }
  } catch (...) {
    finish();
    throw;
  }
  finish();
  const auto s0 = Clock::now();
  dev.synchronize();
  upload_s += since(s0);
  for (size_t i = 0; i < ws.size(); ++i) out.emplace(ws[i]->name, std::move(tensors[i]));
  if (stats) {
    stats->bytes = total;
    stats->tensors = ws.size();
    stats->seconds = since(t0);
    stats->alloc_seconds = alloc_s;
    stats->read_seconds = read_s;  // written by the reader thread, joined above
    stats->wait_seconds = wait_s;
    stats->upload_seconds = upload_s;
  }
  return out;
}

}  // namespace vkflow::formats
