#pragma once
// The node-output cache: an in-memory LRU (within a process) in front of an optional on-disk
// store (`--cache DIR`), both size-capped and keyed by CacheKey. Only values with a codec
// (nodes/value_codec.hpp) reach the disk; everything else stays in memory.
//
// Policy (executor): output nodes (SaveImage, ...) are never cached, they always run and
// write their files; every other node whose key is found is not run, and nodes that only
// feed cached nodes are skipped altogether.
#include <cstdint>
#include <filesystem>
#include <list>
#include <map>
#include <mutex>
#include <optional>

#include "nodes/value.hpp"
#include "scheduler/cache_key.hpp"

namespace vkflow::scheduler {

struct CacheOptions {
  uint64_t memory_bytes = uint64_t(1) << 30;  // in-process LRU cap
  std::filesystem::path dir;                  // on-disk store ("" = none)
  uint64_t disk_bytes = uint64_t(2) << 30;    // --cache-size
};

struct CacheStats {
  uint64_t memory_hits = 0, disk_hits = 0, misses = 0, disk_writes = 0, evictions = 0;
};

class Cache {
 public:
  explicit Cache(CacheOptions opts = {});
  std::optional<nodes::Values> get(const CacheKey& key);
  void put(const CacheKey& key, const nodes::Values& values);
  void clear_memory();
  CacheStats stats() const;
  const CacheOptions& options() const { return opts_; }

 private:
  struct Entry {
    nodes::Values values;
    uint64_t bytes;
  };
  void touch(std::list<CacheKey>::iterator it);
  void put_memory(const CacheKey& key, const nodes::Values& values);

  CacheOptions opts_;
  mutable std::mutex mu_;
  std::list<CacheKey> lru_;  // front = most recently used
  std::map<CacheKey, std::pair<Entry, std::list<CacheKey>::iterator>> mem_;
  uint64_t mem_bytes_ = 0;
  CacheStats stats_;
};

// The on-disk half, usable alone (tests, `vkflow cache` tooling).
class DiskCache {
 public:
  DiskCache(std::filesystem::path dir, uint64_t cap_bytes);
  std::optional<nodes::Values> get(const CacheKey& key);  // refreshes the entry's LRU time
  bool put(const CacheKey& key, const nodes::Values& values);  // false: not serializable / too big
  uint64_t evict();   // down to the cap, least recently used first; returns entries removed
  uint64_t size_bytes() const;
  std::filesystem::path path_of(const CacheKey& key) const;

 private:
  std::filesystem::path dir_;
  uint64_t cap_;
};

uint64_t values_bytes(const nodes::Values& v);

}  // namespace vkflow::scheduler
