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
  // A model handle that loads weights onto devices when used: the cache keeps it out, so the
  // weights go when the run drops its last reader, as the plan assumes.
  virtual bool loads_weights() const { return false; }
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
