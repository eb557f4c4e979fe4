#pragma once
// A move-only owner of exactly one Vulkan handle, destroyed with the function given at
// construction. Every Vulkan object vkflow creates lives in one of these.
#include <functional>
#include <utility>

namespace vkflow::vk {

template <class H>
class Handle {
 public:
  Handle() = default;
  Handle(H h, std::function<void(H)> destroy) : h_(h), destroy_(std::move(destroy)) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle(Handle&& o) noexcept : h_(std::exchange(o.h_, H{})), destroy_(std::move(o.destroy_)) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, H{});
      destroy_ = std::move(o.destroy_);
    }
    return *this;
  }
  ~Handle() { reset(); }
  void reset() {
    if (h_ != H{} && destroy_) destroy_(h_);
    h_ = H{};
  }
  H get() const { return h_; }
  operator H() const { return h_; }
  explicit operator bool() const { return h_ != H{}; }

 private:
  H h_{};
  std::function<void(H)> destroy_;
};

}  // namespace vkflow::vk
