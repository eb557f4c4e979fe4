#pragma once
// A backend's table of op kernels, keyed by op name ("conv2d", "matmul", ...). Each backend
// instantiates it with its own kernel signature; each kernel file registers itself.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "runtime/core/dtype.hpp"

namespace vkflow {

template <class Kernel>
class KernelRegistry {
 public:
  struct Entry {
    Kernel kernel;
    // Which weight/input dtypes the kernel handles; empty = every dtype.
    std::function<bool(DType)> supports;
  };
  void add(std::string_view op, Kernel k, std::function<bool(DType)> supports = {}) {
    table_[std::string(op)] = Entry{std::move(k), std::move(supports)};
  }
  const Entry* find(std::string_view op) const {
    auto it = table_.find(std::string(op));
    return it == table_.end() ? nullptr : &it->second;
  }
  bool supports(std::string_view op, DType t) const {
    const Entry* e = find(op);
    return e && (!e->supports || e->supports(t));
  }
  const std::map<std::string, Entry>& entries() const { return table_; }

 private:
  std::map<std::string, Entry> table_;
};

}  // namespace vkflow
