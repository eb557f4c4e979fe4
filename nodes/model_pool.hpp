#pragma once
// Model weights resident on devices during a run, shared between nodes and freed when the plan
// says so. A node that needs a model asks the pool instead of loading it itself:
//
//   auto unet = ctx.models->get<models::UNetModel>(identity, ctx.device, [&] {
//     return std::make_shared<models::UNetModel>(file, ctx.device);
//   });
//
// `identity` is the planner's model identity for those weights — the `model` of the WeightUse
// the node's estimate returned ("<file>#<component>", models::weights_of builds it) — so the
// executor can free exactly what the plan's `unload` lists name, and keep resident what the
// plan keeps. The pool measures the bytes each load added on its device (Device::memory()),
// which the run's report sets beside the estimate. Objects stay alive while a node or a value
// still holds them; the pool only drops its own reference.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "runtime/core/device.hpp"

namespace vkflow::nodes {

class ModelPool {
 public:
  struct Entry {
    std::string identity;
    Device* device = nullptr;
    std::shared_ptr<void> object;
    uint64_t bytes = 0;  // device bytes in use added by the load (measured)
  };

  // The model loaded for `identity` on `dev`, loading it with `load()` (returning something
  // convertible to std::shared_ptr<T>) when absent.
  template <class T, class F>
  std::shared_ptr<T> get(const std::string& identity, Device& dev, F&& load) {
    auto obj = get_any(identity, dev, [&]() -> std::shared_ptr<void> { return std::shared_ptr<T>(load()); });
    return std::static_pointer_cast<T>(obj);
  }

  bool holds(const std::string& identity, const Device& dev) const;
  // Drops the pool's reference; false when it held nothing under that key.
  bool unload(const std::string& identity, const Device& dev);
  // Drops every entry (all devices); returns how many.
  size_t clear();
  std::vector<Entry> entries() const;

 private:
  std::shared_ptr<void> get_any(const std::string& identity, Device& dev, const std::function<std::shared_ptr<void>()>& load);

  mutable std::recursive_mutex mu_;  // a load may itself ask for a sub-model
  std::map<std::pair<std::string, const Device*>, Entry> entries_;
};

}  // namespace vkflow::nodes
