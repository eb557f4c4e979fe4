#include "runtime/formats/weight_loader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
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
  std::vector<std::vector<uint8_t>> staging(depth);
  std::map<const void*, int> fds;
  for (auto& src : m.sources())
    for (auto& mf : src->files()) {
      int fd = ::open(mf->path().c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) {
        for (auto& [k, f] : fds) ::close(f);
        throw FormatError(mf->path().string(), "cannot reopen for reading");
      }
      posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
      fds[mf.get()] = fd;
    }
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
      if (c.begin) {
        auto* mf = static_cast<const MappedFile*>(c.file);
        auto read = [&](uint8_t* dst, size_t size, const uint8_t* from) {
          uint64_t off = static_cast<uint64_t>(from - mf->data());
          for (size_t done = 0; done < size && err.empty();) {
            ssize_t n = ::pread(fds[c.file], dst + done, size - done, static_cast<off_t>(off + done));
            if (n <= 0) err = mf->path().string() + ": read failed at offset " + std::to_string(off + done);
            else done += static_cast<size_t>(n);
          }
        };
        if (direct) {  // host-addressable device memory: read straight into the tensors
          for (const Piece& p : c.pieces)
            read(static_cast<uint8_t*>(tensors[p.weight].host_data()) + p.dst_offset, p.n, p.src);
        } else {
          auto& buf = staging[k % depth];
          buf.resize(static_cast<size_t>(c.end - c.begin));
          read(buf.data(), buf.size(), c.begin);
        }
      }
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
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return ready > k; });
        if (!read_error.empty()) throw FormatError(read_error, "I/O error while loading weights");
      }
      const Chunk& c = chunks[k];
      for (const Piece& p : c.pieces) {
        Tensor& t = tensors[p.weight];
        if (!direct) dev.upload(t.buffer(), t.offset() + p.dst_offset, staging[k % depth].data() + (p.src - c.begin), p.n);
        total += p.n;
      }
      std::lock_guard lk(mu);
      consumed = k + 1;
      cv.notify_all();
    }
  } catch (...) {
    finish();
    throw;
  }
  finish();
  dev.synchronize();
  for (size_t i = 0; i < ws.size(); ++i) out.emplace(ws[i]->name, std::move(tensors[i]));
  if (stats) {
    stats->bytes = total;
    stats->tensors = ws.size();
    stats->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  return out;
}

}  // namespace vkflow::formats
