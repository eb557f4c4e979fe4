#pragma once
// Values flowing along workflow links at run time: primitives, or shared immutable objects
// (images, audio, latents, conditioning, model handles, transcripts).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

namespace vkflow::nodes {

struct Object {
  virtual ~Object() = default;
  virtual std::string_view type() const = 0;    // a graph::types name, e.g. "IMAGE"
  virtual uint64_t host_bytes() const { return 0; }  // for the cache's size cap
  // Model handles: drop the weights loaded on devices (they load again on next use). The
  // executor calls it when a run no longer needs the value: the node cache may keep the
  // handle, but must not keep gigabytes of weights resident past the plan's last use.
  virtual void release_loaded() const {}
};

using Value = std::variant<std::monostate, int64_t, double, bool, std::string,
                           std::shared_ptr<const Object>>;
using Values = std::map<std::string, Value>;

// A Value holding a new T (an Object) built from `a`.
template <class T, class... A>
Value make_value(A&&... a) {
  return std::shared_ptr<const Object>(std::make_shared<const T>(std::forward<A>(a)...));
}

}  // namespace vkflow::nodes
