#include "runtime/formats/safetensors_write.hpp"

#include <nlohmann/json.hpp>

#include "runtime/core/atomic_write.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::formats {

void write_safetensors_f32(const std::filesystem::path& path, const std::vector<F32Tensor>& tensors,
                           const std::map<std::string, std::string>& metadata) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  uint64_t offset = 0;
  for (const auto& t : tensors) {
    const uint64_t n = static_cast<uint64_t>(numel(t.shape));
    const uint64_t have = t.data ? t.data->size() : 0;
    if (have != n) throw Error("safetensors writer: tensor '" + t.name + "' has " + std::to_string(have) +
                               " values for shape " + to_string(t.shape));
    header[t.name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + 4 * n}}};
    offset += 4 * n;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  atomic_write_stream(path, [&](std::ostream& o) {
    const uint64_t len = text.size();
    o.write(reinterpret_cast<const char*>(&len), 8);  // little-endian hosts only (x86-64, arm64)
    o.write(text.data(), static_cast<std::streamsize>(text.size()));
    for (const auto& t : tensors)
      if (t.data && !t.data->empty())
        o.write(reinterpret_cast<const char*>(t.data->data()), static_cast<std::streamsize>(t.data->size() * 4));
  });
}

}  // namespace vkflow::formats
