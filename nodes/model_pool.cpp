#include "nodes/model_pool.hpp"

#include "nodes/node_timing.hpp"

namespace vkflow::nodes {

std::shared_ptr<void> ModelPool::get_any(const std::string& identity, Device& dev,
                                         const std::function<std::shared_ptr<void>()>& load) {
  std::lock_guard lock(mu_);
  auto key = std::make_pair(identity, static_cast<const Device*>(&dev));
  if (auto it = entries_.find(key); it != entries_.end()) return it->second.object;
  const uint64_t before = dev.memory().in_use;
  PhaseTimer t = load_timer(dev);
  Entry e{identity, &dev, load(), 0};
  t.done();
  const uint64_t after = dev.memory().in_use;
  e.bytes = after > before ? after - before : 0;
  auto obj = e.object;
  entries_.emplace(key, std::move(e));
  return obj;
}

bool ModelPool::holds(const std::string& identity, const Device& dev) const {
  std::lock_guard lock(mu_);
  return entries_.count({identity, &dev}) > 0;
}

bool ModelPool::unload(const std::string& identity, const Device& dev) {
  std::lock_guard lock(mu_);
  return entries_.erase({identity, &dev}) > 0;
}

size_t ModelPool::clear() {
  std::lock_guard lock(mu_);
  size_t n = entries_.size();
  entries_.clear();
  return n;
}

std::vector<ModelPool::Entry> ModelPool::entries() const {
  std::lock_guard lock(mu_);
  std::vector<Entry> v;
  for (const auto& [k, e] : entries_) v.push_back({e.identity, e.device, nullptr, e.bytes});
  return v;
}

}  // namespace vkflow::nodes
