// Weight-loading rate vs the raw sequential read rate of the same file, in one run:
//   raw   sequential pread()s of the whole file into one reused buffer (the storage's rate)
//   cpu   ModelFile::open + load_weights to the CPU device (HostPath::Auto: straight into the
//         tensors when the file is cached, else staged); "cpu-direct" / "cpu-staged" force one
//   vk    the same to a Vulkan device (reader thread fills staging chunks while the caller
//         uploads the previous one); "vk-odirect" with LoadOptions::direct_io
// each cold (page cache evicted with posix_fadvise DONTNEED before the measurement) and warm,
// --repeat times; prints every measurement, then best and median per row and load/raw.
//   load_bench FILE [--make-from-manifest M.json] [--chunk-mb 64] [--ahead 2] [--repeat 3]
//              [--devices cpu,vulkan] [--vk-device N] [--odirect]
// --make-from-manifest writes FILE first (when absent) as a safetensors with random bytes laid
// out as the manifest's tensors (names/shapes/dtypes, e.g. tests/data/formats/manifests/*.json).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/formats/weight_loader.hpp"
#include "runtime/vulkan/vulkan_device.hpp"

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

// Sequential pread()s of `block` bytes into one reused buffer: the rate the storage (or, warm,
// the page cache) delivers, with no destination page faults.
double raw_read(const std::string& path, uint64_t block, uint64_t* bytes) {
  int fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::vector<char> buf(block);
  auto t0 = Clock::now();
  *bytes = 0;
  for (ssize_t n; (n = ::pread(fd, buf.data(), buf.size(), static_cast<off_t>(*bytes))) > 0;) *bytes += static_cast<uint64_t>(n);
  double s = std::chrono::duration<double>(Clock::now() - t0).count();
  ::close(fd);
  return s;
}

// Open + stream every weight to `dev` + wait for the device; `seconds` is all of it.
formats::LoadStats load(const std::string& file, Device& dev, const formats::LoadOptions& opt) {
  auto t0 = Clock::now();
  formats::LoadStats st;
  auto m = formats::ModelFile::open(file);
  auto ts = formats::load_weights(m, dev, opt, &st);
  dev.synchronize();
  st.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return st;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Weight-loading rate vs raw sequential read"};
  std::string file, manifest, devices = "cpu,vulkan", vk_device;
  int chunk_mb = 64, ahead = 2, repeat = 3;
  bool odirect = false;
  app.add_option("file", file)->required();
  app.add_option("--make-from-manifest", manifest);
  app.add_option("--chunk-mb", chunk_mb);
  app.add_option("--ahead", ahead, "chunks the reader thread may run ahead");
  app.add_option("--repeat", repeat);
  app.add_option("--devices", devices, "comma list of cpu, vulkan");
  app.add_option("--vk-device", vk_device, "Vulkan device index or name substring");
  app.add_flag("--odirect", odirect, "also measure the Vulkan load with O_DIRECT reads");
  CLI11_PARSE(app, argc, argv);
  try {
    if (!manifest.empty() && access(file.c_str(), F_OK) != 0) make_from_manifest(manifest, file);

    formats::LoadOptions opt;
    opt.chunk_bytes = static_cast<uint64_t>(chunk_mb) << 20;
    opt.read_ahead_chunks = ahead;
    formats::LoadOptions opt_direct = opt, opt_staged = opt, opt_host_direct = opt;
    opt_direct.direct_io = true;
    opt_staged.host_path = formats::LoadOptions::HostPath::Staged;
    opt_host_direct.host_path = formats::LoadOptions::HostPath::Direct;

    std::vector<std::pair<std::string, Device*>> devs;
    std::unique_ptr<vulkan::VulkanDevice> vk;
    if (devices.find("cpu") != std::string::npos) {
      devs.push_back({"cpu", &cpu::device()});
      devs.push_back({"cpu-direct", &cpu::device()});
      devs.push_back({"cpu-staged", &cpu::device()});
    }
    if (devices.find("vulkan") != std::string::npos) {
      if (vulkan::available()) {
        vulkan::Options o;
        o.device = vk_device;
        vk = std::make_unique<vulkan::VulkanDevice>(o);
        devs.push_back({"vk", vk.get()});
        if (odirect) devs.push_back({"vk-odirect", vk.get()});
      } else {
        std::cout << "(no Vulkan device: vulkan rows skipped)\n";
      }
    }

    uint64_t raw_bytes = 0;
    std::time_t now = std::time(nullptr);
    char date[32];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::cout << "load_bench " << file << ", " << date << ", chunk " << chunk_mb << " MiB, read-ahead " << ahead;
    for (auto& [n, d] : devs) std::cout << ", " << n << " = " << d->name();
    std::cout << "\n\nLoad rows: total seconds, and of them allocating tensors; the reader thread's reads; the caller waiting for\n"
                 "reads; uploading (incl. the final sync).\n\n"
                 "| rep | cache | what | GB/s | s | alloc s | read s | wait s | upload s |\n|---|---|---|---|---|---|---|---|---|\n";
    std::map<std::string, std::vector<double>> rates;  // "cache what" -> GB/s per repetition
    std::vector<std::string> order;
    auto record = [&](int r, const char* cache, const std::string& what, double bytes, double secs, const formats::LoadStats* st) {
      std::string key = std::string(cache) + " | " + what;
      if (!rates.count(key)) order.push_back(key);
      rates[key].push_back(bytes / secs / 1e9);
      std::printf("| %d | %s | %s | %.3f | %.2f |", r, cache, what.c_str(), bytes / secs / 1e9, secs);
      if (st) std::printf(" %.2f | %.2f | %.2f | %.2f |\n", st->alloc_seconds, st->read_seconds, st->wait_seconds, st->upload_seconds);
      else std::printf(" | | | |\n");
      std::fflush(stdout);
    };
    for (int r = 1; r <= repeat; ++r)
      for (bool cold : {true, false}) {
        const char* cache = cold ? "cold" : "warm";
        if (cold) evict(file);
        else raw_read(file, opt.chunk_bytes, &raw_bytes);  // make sure it is cached
        double s = raw_read(file, opt.chunk_bytes, &raw_bytes);
        record(r, cache, "raw read", static_cast<double>(raw_bytes), s, nullptr);
        for (auto& [name, dev] : devs) {
          if (cold) evict(file);
          auto st = load(file, *dev, name == "vk-odirect"   ? opt_direct
                              : name == "cpu-staged" ? opt_staged
                              : name == "cpu-direct" ? opt_host_direct
                                                     : opt);
          record(r, cache, "load to " + name, static_cast<double>(st.bytes), st.seconds, &st);
        }
      }

    std::printf("\n%.2f GiB. Summary over %d repetitions (GB/s; load/raw compares medians and bests of the same cache state):\n\n"
                "| cache | what | best | median | load/raw (median) | load/raw (best) |\n|---|---|---|---|---|---|\n",
                raw_bytes / double(1ull << 30), repeat);
    for (auto& key : order) {
      const auto& v = rates[key];
      std::string cache = key.substr(0, key.find(' '));
      const auto& raw = rates[cache + " | raw read"];
      double b = *std::max_element(v.begin(), v.end()), m = median(v);
      double rb = *std::max_element(raw.begin(), raw.end()), rm = median(raw);
      std::printf("| %s | %.3f | %.3f | %.0f%% | %.0f%% |\n", key.c_str(), b, m, 100 * m / rm, 100 * b / rb);
    }
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
