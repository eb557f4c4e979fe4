#include "shaders/embedded.hpp"

namespace vkflow::shaders {
const Blob* find(std::string_view name) {
  for (const Blob& b : all())
    if (name == b.name) return &b;
  return nullptr;
}
}  // namespace vkflow::shaders
