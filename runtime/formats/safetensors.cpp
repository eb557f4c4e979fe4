#include "runtime/formats/safetensors.hpp"

#include <algorithm>
#include <cstring>
#include <limits>

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::formats {
namespace {
constexpr uint64_t kMaxHeader = 256ull << 20;  // a header larger than this is not plausible

}  // namespace

std::optional<DType> safetensors_dtype(std::string_view s) {
  static const std::pair<std::string_view, DType> k[] = {
      {"F32", DType::F32}, {"F16", DType::F16}, {"BF16", DType::BF16}, {"F8_E4M3", DType::F8_E4M3},
      {"F8_E5M2", DType::F8_E5M2}, {"I8", DType::I8}, {"U8", DType::U8}, {"I16", DType::I16},
      {"I32", DType::I32}, {"I64", DType::I64}, {"BOOL", DType::BOOL}};
  for (auto& [n, t] : k)
    if (n == s) return t;
  return std::nullopt;
}

SafetensorsFile SafetensorsFile::open(const std::filesystem::path& path) {
  SafetensorsFile f;
  f.file_ = MappedFile::open(path);
  const std::string where = path.string();
  auto head = f.file_->range(0, 8, "header length");
  uint64_t n = 0;
  std::memcpy(&n, head.data(), 8);  // little-endian hosts only (x86-64, arm64)
  if (n > kMaxHeader) throw FormatError(where, "header length " + std::to_string(n) + " is implausible");
  auto hdr = f.file_->range(8, n, "header");
  nlohmann::json j = nlohmann::json::parse(hdr.begin(), hdr.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw FormatError(where, "header is not a JSON object");
  const uint64_t data_start = 8 + n, data_size = f.file_->size() - data_start;

  for (auto& [name, v] : j.items()) {
    if (name == "__metadata__") {
      if (!v.is_object()) throw FormatError(where, "__metadata__ is not an object");
      f.metadata_ = v;
      continue;
    }
    const std::string tw = where + ": tensor '" + name + "'";
    if (!v.is_object() || !v.contains("dtype") || !v.contains("shape") || !v.contains("data_offsets"))
      throw FormatError(tw, "needs dtype, shape and data_offsets");
    if (!v["dtype"].is_string()) throw FormatError(tw, "dtype is not a string");
    auto dt = safetensors_dtype(v["dtype"].get<std::string>());
    if (!dt) throw FormatError(tw, "unsupported dtype " + v["dtype"].get<std::string>());
    TensorInfo t;
    t.name = name;
    t.dtype = *dt;
    if (!v["shape"].is_array() || v["shape"].size() > 8) throw FormatError(tw, "shape is not an array of at most 8 dims");
    for (auto& d : v["shape"]) {
      if (!d.is_number_unsigned()) throw FormatError(tw, "shape entries must be non-negative integers");
      uint64_t u = d.get<uint64_t>();
      if (u > (1ull << 40)) throw FormatError(tw, "dimension " + std::to_string(u) + " is implausible");
      t.shape.push_back(static_cast<int64_t>(u));
    }
    auto& off = v["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      throw FormatError(tw, "data_offsets must be two non-negative integers");
    uint64_t b = off[0].get<uint64_t>(), e = off[1].get<uint64_t>();
    if (b > e || e > data_size) throw FormatError(tw, "data_offsets [" + std::to_string(b) + ", " + std::to_string(e) + ") outside the data of " + std::to_string(data_size) + " bytes");
    uint64_t numel = checked_numel(t.shape, tw);
    if (numel > std::numeric_limits<uint64_t>::max() / 8 || dtype_bytes(t.dtype, static_cast<int64_t>(numel)) != e - b)
      throw FormatError(tw, "holds " + std::to_string(e - b) + " bytes but shape " + to_string(t.shape) + " needs " +
                                std::to_string(dtype_bytes(t.dtype, static_cast<int64_t>(numel))));
    t.offset = data_start + b;
    t.nbytes = e - b;
    f.tensors_.push_back(std::move(t));
  }
  check_no_overlap(f.tensors_, where);
  return f;
}

}  // namespace vkflow::formats
