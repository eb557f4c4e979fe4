// DiskCache: one file per key ("<dir>/<key>.vkc"), written atomically; the file's mtime is
// its LRU time (refreshed on every hit), so eviction needs no index that could go stale.
#include <algorithm>
#include <fstream>
#include <vector>

#include "nodes/value_codec.hpp"
#include "runtime/core/atomic_write.hpp"
#include "runtime/core/error.hpp"
#include "scheduler/cache.hpp"

namespace vkflow::scheduler {
namespace fs = std::filesystem;

namespace {
constexpr char kMagic[8] = {'V', 'K', 'F', 'C', 'A', 'C', 'H', '1'};
}

DiskCache::DiskCache(fs::path dir, uint64_t cap) : dir_(std::move(dir)), cap_(cap) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(dir_.string() + ": cannot create the cache folder: " + ec.message());
}

fs::path DiskCache::path_of(const CacheKey& key) const { return dir_ / (key + ".vkc"); }

std::optional<nodes::Values> DiskCache::get(const CacheKey& key) {
  fs::path p = path_of(key);
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  try {
    char magic[8];
    if (!in.read(magic, 8) || !std::equal(magic, magic + 8, kMagic)) throw Error("bad magic");
    uint32_t n = nodes::read_pod<uint32_t>(in);
    nodes::Values vs;
    for (uint32_t i = 0; i < n; ++i) {
      std::string name = nodes::read_string(in);
      vs[name] = nodes::read_value(in);
    }
    in.close();
    std::error_code ec;
    fs::last_write_time(p, fs::file_time_type::clock::now(), ec);
    return vs;
  } catch (const Error&) {
    // A corrupt or foreign entry is dropped and recomputed, never trusted.
    std::error_code ec;
    fs::remove(p, ec);
    return std::nullopt;
  }
}

bool DiskCache::put(const CacheKey& key, const nodes::Values& values) {
  for (const auto& [k, v] : values)
    if (!nodes::serializable(v)) return false;
  if (values_bytes(values) > cap_) return false;
  atomic_write_stream(path_of(key), [&](std::ostream& out) {
    out.write(kMagic, 8);
    nodes::write_pod<uint32_t>(out, uint32_t(values.size()));
    for (const auto& [k, v] : values) {
      nodes::write_string(out, k);
      nodes::write_value(out, v);
    }
  });
  return true;
}

uint64_t DiskCache::size_bytes() const {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec))
    if (e.path().extension() == ".vkc") total += e.file_size(ec);
  return total;
}

uint64_t DiskCache::evict() {
  struct Item {
    fs::path path;
    fs::file_time_type time;
    uint64_t size;
  };
  std::vector<Item> items;
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_, ec)) {
    if (e.path().extension() != ".vkc") continue;
    Item it{e.path(), e.last_write_time(ec), e.file_size(ec)};
    total += it.size;
    items.push_back(std::move(it));
  }
  std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.time < b.time; });
  uint64_t removed = 0;
  for (const auto& it : items) {
    if (total <= cap_) break;
    if (fs::remove(it.path, ec)) {
      total -= it.size;
      ++removed;
    }
  }
  return removed;
}

}  // namespace vkflow::scheduler
