#include "runtime/formats/weight_loader.hpp"

#include <sys/mman.h>
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

const uintptr_t kPage = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));

void advise(const uint8_t* b, const uint8_t* e, int advice) {
  uintptr_t lo = reinterpret_cast<uintptr_t>(b) & ~(kPage - 1), hi = reinterpret_cast<uintptr_t>(e);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, advice);
}

// Faults every page of [b, e) in; the kernel turns the sequential faults into large reads.
uint64_t touch(const uint8_t* b, const uint8_t* e) {
  advise(b, e, MADV_WILLNEED);
  uint64_t sum = 0;
  for (const volatile uint8_t* p = b; p < e; p += kPage) sum += *p;
  return sum;
}

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
  for (auto& f : m.sources())
    for (auto& mf : f->files()) advise(mf->data(), mf->data() + mf->size(), MADV_SEQUENTIAL);

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

  // Reader thread: fault chunk k+1.. in while chunk k uploads.
  std::mutex mu;
  std::condition_variable cv;
  size_t ready = 0, consumed = 0;
  bool stop = false;
  std::thread reader([&] {
    for (size_t k = 0; k < chunks.size(); ++k) {
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return stop || k < consumed + opt.read_ahead_chunks; });
        if (stop) return;
      }
      if (chunks[k].begin) touch(chunks[k].begin, chunks[k].end);
      std::lock_guard lk(mu);
      ready = k + 1;
      cv.notify_all();
    }
  });
  try {
    for (size_t k = 0; k < chunks.size(); ++k) {
      {
        std::unique_lock lk(mu);
        cv.wait(lk, [&] { return ready > k; });
      }
      for (const Piece& p : chunks[k].pieces) {
        Tensor& t = tensors[p.weight];
        dev.upload(t.buffer(), t.offset() + p.dst_offset, p.src, p.n);
        total += p.n;
      }
      // Our mapping's pages are no longer needed (the page cache keeps the data).
      if (chunks[k].begin && uint64_t(chunks[k].end - chunks[k].begin) > 2 * kPage)
        advise(chunks[k].begin + kPage, chunks[k].end - kPage, MADV_DONTNEED);
      std::lock_guard lk(mu);
      consumed = k + 1;
      cv.notify_all();
    }
  } catch (...) {
    { std::lock_guard lk(mu); stop = true; }
    cv.notify_all();
    reader.join();
    throw;
  }
  reader.join();
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
