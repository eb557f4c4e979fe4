#pragma once
// Writing float32 tensors as a safetensors file (8-byte header length, JSON header padded with
// spaces to a multiple of 8, then the data in order), atomically (core/atomic_write.hpp).
// Used for ComfyUI-compatible .latent files; readers are in safetensors.hpp.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runtime/core/shape.hpp"

namespace vkflow::formats {

struct F32Tensor {
  std::string name;
  Shape shape;
  const std::vector<float>* data = nullptr;  // numel(shape) values (may be empty for numel 0)
};

// Throws Error naming the file on failure; `metadata` becomes "__metadata__" when not empty.
void write_safetensors_f32(const std::filesystem::path& path, const std::vector<F32Tensor>& tensors,
                           const std::map<std::string, std::string>& metadata = {});

}  // namespace vkflow::formats
