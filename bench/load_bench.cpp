// Weight-loading rate vs the raw sequential read rate of the same file, cold (page cache
// evicted with posix_fadvise DONTNEED before each run) and warm.
//   load_bench FILE [--make-from-manifest M.json] [--chunk-mb 64] [--repeat 2]
// --make-from-manifest writes FILE first as a safetensors with random bytes laid out as the
// manifest's tensors (names/shapes/dtypes from tests/data/formats/manifests or the fixtures).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/formats/weight_loader.hpp"

using namespace vkflow;
using Clock = std::chrono::steady_clock;

namespace {

void make_from_manifest(const std::string& manifest, const std::string& out) {
  std::ifstream in(manifest);
  auto m = nlohmann::json::parse(in);
  nlohmann::json header = nlohmann::json::object();
  uint64_t off = 0;
  for (auto& t : m["tensors"]) {
    auto dt = formats::safetensors_dtype(t["dtype"].get<std::string>()).value();
    int64_t n = 1;
    for (auto& d : t["shape"]) n *= d.get<int64_t>();
    uint64_t bytes = dtype_bytes(dt, n);
    header[t["name"].get<std::string>()] = {{"dtype", t["dtype"]}, {"shape", t["shape"]}, {"data_offsets", {off, off + bytes}}};
    off += bytes;
  }
  std::string h = header.dump();
  while ((h.size() + 8) % 64) h += ' ';
  std::ofstream o(out, std::ios::binary);
  uint64_t hn = h.size();
  o.write(reinterpret_cast<const char*>(&hn), 8);
  o << h;
  std::vector<uint64_t> buf(1 << 21);  // 16 MiB of xorshift noise per write
  uint64_t x = 0x9e3779b97f4a7c15ull;
  for (uint64_t left = off; left > 0;) {
    for (auto& v : buf) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; v = x; }
    uint64_t n = std::min<uint64_t>(left, buf.size() * 8);
    o.write(reinterpret_cast<const char*>(buf.data()), static_cast<std::streamsize>(n));
    left -= n;
  }
}

void evict(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  fdatasync(fd);
  posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

// Sequential read() in 16 MiB blocks, into one reused buffer or (fresh = true) into newly
// allocated memory the size of the file, which adds the page faults any loader into host
// memory pays.
double raw_read(const std::string& path, uint64_t* bytes, bool fresh) {
  int fd = ::open(path.c_str(), O_RDONLY);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<char> buf(16 << 20);
  auto t0 = Clock::now();
  *bytes = 0;
  char* dst = nullptr;
  if (fresh) dst = static_cast<char*>(std::malloc(static_cast<size_t>(lseek(fd, 0, SEEK_END))));
  for (ssize_t n; (n = ::pread(fd, fresh ? dst + *bytes : buf.data(), buf.size(), static_cast<off_t>(*bytes))) > 0;)
    *bytes += static_cast<uint64_t>(n);
  std::free(dst);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  ::close(fd);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weight-loading rate vs raw sequential read"};
  std::string file, manifest;
  int chunk_mb = 64, repeat = 2;
  app.add_option("file", file)->required();
  app.add_option("--make-from-manifest", manifest);
  app.add_option("--chunk-mb", chunk_mb);
  app.add_option("--repeat", repeat);
  CLI11_PARSE(app, argc, argv);
  if (!manifest.empty() && access(file.c_str(), F_OK) != 0) make_from_manifest(manifest, file);

  formats::LoadOptions opt;
  opt.chunk_bytes = static_cast<uint64_t>(chunk_mb) << 20;
  std::printf("| file | GiB | cache | raw read GB/s | raw read into fresh memory GB/s | load to cpu GB/s | load / raw |\n"
              "|---|---|---|---|---|---|---|\n");
  for (int r = 0; r < repeat; ++r) {
    for (bool cold : {true, false}) {
      uint64_t raw_bytes = 0;
      if (cold) evict(file);
      double raw_s = raw_read(file, &raw_bytes, false);
      if (cold) evict(file);
      double fresh_s = raw_read(file, &raw_bytes, true);
      if (cold) evict(file);
      formats::LoadStats st;
      {
        auto m = formats::ModelFile::open(file);
        auto t0 = Clock::now();
        auto ts = formats::load_weights(m, cpu::device(), opt, &st);
        st.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
      }
      double raw_rate = raw_bytes / raw_s / 1e9, load_rate = st.bytes / st.seconds / 1e9;
      std::printf("| %s | %.2f | %s | %.2f | %.2f | %.2f | %.0f%% |\n", file.substr(file.find_last_of('/') + 1).c_str(),
                  raw_bytes / double(1ull << 30), cold ? "cold" : "warm", raw_rate, raw_bytes / fresh_s / 1e9, load_rate,
                  100 * load_rate / raw_rate);
      std::fflush(stdout);
    }
  }
  return 0;
}
