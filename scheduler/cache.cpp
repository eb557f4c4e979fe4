#include "scheduler/cache.hpp"

namespace vkflow::scheduler {

uint64_t values_bytes(const nodes::Values& vs) {
  uint64_t n = 0;
  for (const auto& [k, v] : vs) {
    n += k.size() + 16;
    if (auto* o = std::get_if<std::shared_ptr<const nodes::Object>>(&v)) n += *o ? (*o)->host_bytes() : 0;
    else if (auto* s = std::get_if<std::string>(&v)) n += s->size();
  }
  return n;
}

Cache::Cache(CacheOptions opts) : opts_(std::move(opts)) {}

void Cache::touch(std::list<CacheKey>::iterator it) { lru_.splice(lru_.begin(), lru_, it); }

void Cache::put_memory(const CacheKey& key, const nodes::Values& values) {
  uint64_t bytes = values_bytes(values);
  if (bytes > opts_.memory_bytes) return;
  if (auto it = mem_.find(key); it != mem_.end()) {
    touch(it->second.second);
    return;
  }
  lru_.push_front(key);
  mem_.emplace(key, std::make_pair(Entry{values, bytes}, lru_.begin()));
  mem_bytes_ += bytes;
  while (mem_bytes_ > opts_.memory_bytes && !lru_.empty()) {
    auto victim = mem_.find(lru_.back());
    mem_bytes_ -= victim->second.first.bytes;
    mem_.erase(victim);
    lru_.pop_back();
    ++stats_.evictions;
  }
}

std::optional<nodes::Values> Cache::get(const CacheKey& key) {
  std::lock_guard lock(mu_);
  if (auto it = mem_.find(key); it != mem_.end()) {
    touch(it->second.second);
    ++stats_.memory_hits;
    return it->second.first.values;
  }
  if (!opts_.dir.empty()) {
    if (auto v = DiskCache(opts_.dir, opts_.disk_bytes).get(key)) {
      ++stats_.disk_hits;
      put_memory(key, *v);
      return v;
    }
  }
  ++stats_.misses;
  return std::nullopt;
}

void Cache::put(const CacheKey& key, const nodes::Values& values) {
  std::lock_guard lock(mu_);
  put_memory(key, values);
  if (!opts_.dir.empty()) {
    DiskCache disk(opts_.dir, opts_.disk_bytes);
    if (disk.put(key, values)) {
      ++stats_.disk_writes;
      stats_.evictions += disk.evict();
    }
  }
}

void Cache::clear_memory() {
  std::lock_guard lock(mu_);
  mem_.clear();
  lru_.clear();
  mem_bytes_ = 0;
}

CacheStats Cache::stats() const {
  std::lock_guard lock(mu_);
  return stats_;
}

}  // namespace vkflow::scheduler
