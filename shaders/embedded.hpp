#pragma once
// SPIR-V compiled from shaders/*.comp at build time (cmake/Shaders.cmake) and linked in.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace vkflow::shaders {
struct Blob {
  const char* name;
  const uint32_t* words;
  size_t size_bytes;
};
std::span<const Blob> all();
const Blob* find(std::string_view name);  // nullptr when no shader has that name
}  // namespace vkflow::shaders
