#include "runtime/formats/gguf.hpp"

#include <limits>
#include <unordered_set>

#include "runtime/core/error.hpp"
#include "runtime/formats/byte_reader.hpp"

namespace vkflow::formats {
namespace {

constexpr uint32_t kMagic = 0x46554747;  // "GGUF" little-endian
constexpr uint64_t kMaxTensors = 1u << 20;
constexpr uint64_t kMaxKv = 1u << 20;
constexpr uint64_t kMaxString = 64ull << 20;
constexpr uint32_t kMaxDims = 4;  // GGML_MAX_DIMS
constexpr int kMaxArrayDepth = 4;

enum GgufType : uint32_t { U8, I8, U16, I16, U32, I32, F32, BOOL, STRING, ARRAY, U64, I64, F64, kTypeCount };

struct GgmlType { uint32_t id; const char* name; std::optional<DType> dtype; };
const GgmlType kGgml[] = {
    {0, "f32", DType::F32},   {1, "f16", DType::F16},     {2, "q4_0", DType::Q4_0},  {3, "q4_1", DType::Q4_1},
    {6, "q5_0", DType::Q5_0}, {7, "q5_1", DType::Q5_1},   {8, "q8_0", DType::Q8_0},  {9, "q8_1", std::nullopt},
    {10, "q2_K", DType::Q2_K}, {11, "q3_K", DType::Q3_K}, {12, "q4_K", DType::Q4_K}, {13, "q5_K", DType::Q5_K},
    {14, "q6_K", DType::Q6_K}, {15, "q8_K", std::nullopt}, {16, "iq2_xxs", std::nullopt}, {17, "iq2_xs", std::nullopt},
    {18, "iq3_xxs", std::nullopt}, {19, "iq1_s", std::nullopt}, {20, "iq4_nl", std::nullopt}, {21, "iq3_s", std::nullopt},
    {22, "iq2_s", std::nullopt}, {23, "iq4_xs", std::nullopt}, {24, "i8", DType::I8}, {25, "i16", DType::I16},
    {26, "i32", DType::I32}, {27, "i64", DType::I64}, {28, "f64", std::nullopt}, {29, "iq1_m", std::nullopt},
    {30, "bf16", DType::BF16}, {34, "tq1_0", std::nullopt}, {35, "tq2_0", std::nullopt},
};

std::string read_string(ByteReader& r, const char* what) {
  uint64_t n = r.get<uint64_t>(what);
  if (n > kMaxString) r.fail(std::string(what) + ": string length " + std::to_string(n) + " is implausible");
  return std::string(r.str(n, what));
}

// Minimum encoded size of one value of a type, to bound array counts by the bytes left.
uint64_t min_size(uint32_t t) {
  switch (t) {
    case U8: case I8: case BOOL: return 1;
    case U16: case I16: return 2;
    case U32: case I32: case F32: return 4;
    case STRING: case U64: case I64: case F64: return 8;
    case ARRAY: return 12;
  }
  return 1;
}

nlohmann::json read_value(ByteReader& r, uint32_t type, const std::string& key, int depth) {
  const char* k = key.c_str();
  switch (type) {
    case U8: return r.get<uint8_t>(k);
    case I8: return r.get<int8_t>(k);
    case U16: return r.get<uint16_t>(k);
    case I16: return r.get<int16_t>(k);
    case U32: return r.get<uint32_t>(k);
    case I32: return r.get<int32_t>(k);
    case F32: return r.get<float>(k);
    case BOOL: {
      uint8_t b = r.get<uint8_t>(k);
      if (b > 1) r.fail("metadata '" + key + "': bool value " + std::to_string(b));
      return b == 1;
    }
    case STRING: return read_string(r, k);
    case U64: return r.get<uint64_t>(k);
    case I64: return r.get<int64_t>(k);
    case F64: return r.get<double>(k);
    case ARRAY: {
      if (depth >= kMaxArrayDepth) r.fail("metadata '" + key + "': arrays nested too deeply");
      uint32_t et = r.get<uint32_t>(k);
      if (et >= kTypeCount) r.fail("metadata '" + key + "': unknown array element type " + std::to_string(et));
      uint64_t n = r.get<uint64_t>(k);
      if (n > r.remaining() / min_size(et))
        r.fail("metadata '" + key + "': array of " + std::to_string(n) + " elements does not fit in the file");
      nlohmann::json a = nlohmann::json::array();
      for (uint64_t i = 0; i < n; ++i) a.push_back(read_value(r, et, key, depth + 1));
      return a;
    }
  }
  r.fail("metadata '" + key + "': unknown value type " + std::to_string(type));
}

}  // namespace

std::optional<DType> dtype_from_ggml(uint32_t id) {
  for (auto& g : kGgml)
    if (g.id == id) return g.dtype;
  return std::nullopt;
}

std::optional<uint32_t> ggml_type_of(DType t) {
  for (auto& g : kGgml)
    if (g.dtype == t) return g.id;
  return std::nullopt;
}

std::string ggml_type_name(uint32_t id) {
  for (auto& g : kGgml)
    if (g.id == id) return g.name;
  return "type " + std::to_string(id);
}

bool is_gguf(std::span<const uint8_t> head) {
  return head.size() >= 4 && head[0] == 'G' && head[1] == 'G' && head[2] == 'U' && head[3] == 'F';
}

std::unique_ptr<GgufFile> GgufFile::open(const std::filesystem::path& path) {
  auto f = std::unique_ptr<GgufFile>(new GgufFile());
  f->file_ = MappedFile::open(path);
  const std::string where = path.string();
  ByteReader r(f->file_->range(0, f->file_->size(), "file"), where);
  if (r.get<uint32_t>("magic") != kMagic) r.fail("not a GGUF file (bad magic)");
  f->version_ = r.get<uint32_t>("version");
  if (f->version_ != 2 && f->version_ != 3)
    r.fail("GGUF version " + std::to_string(f->version_) + " is not supported (only 2 and 3)");
  uint64_t n_tensors = r.get<uint64_t>("tensor count"), n_kv = r.get<uint64_t>("metadata count");
  if (n_tensors > kMaxTensors || n_tensors > r.remaining() / 24)
    r.fail("tensor count " + std::to_string(n_tensors) + " is implausible for the file size");
  if (n_kv > kMaxKv || n_kv > r.remaining() / 12) r.fail("metadata count " + std::to_string(n_kv) + " is implausible");

  for (uint64_t i = 0; i < n_kv; ++i) {
    std::string key = read_string(r, "metadata key");
    uint32_t type = r.get<uint32_t>("metadata type");
    if (f->metadata_.contains(key)) r.fail("metadata key '" + key + "' appears twice");
    f->metadata_[key] = read_value(r, type, key, 0);
  }
  if (f->metadata_.contains("general.alignment")) {
    auto& a = f->metadata_["general.alignment"];
    if (!a.is_number_unsigned() || a.get<uint64_t>() == 0 || a.get<uint64_t>() > 65536 ||
        (a.get<uint64_t>() & (a.get<uint64_t>() - 1)) != 0)
      r.fail("general.alignment must be a power of two up to 65536");
    f->alignment_ = a.get<uint64_t>();
  }

  std::vector<uint64_t> rel_offsets;
  std::unordered_set<std::string> names;
  for (uint64_t i = 0; i < n_tensors; ++i) {
    TensorInfo t;
    t.name = read_string(r, "tensor name");
    const std::string tw = where + ": tensor '" + t.name + "'";
    if (t.name.empty()) r.fail("tensor " + std::to_string(i) + " has an empty name");
    uint32_t nd = r.get<uint32_t>("tensor dims");
    if (nd == 0 || nd > kMaxDims) throw FormatError(tw, std::to_string(nd) + " dimensions (1 to 4 allowed)");
    std::vector<int64_t> ne(nd);
    for (auto& d : ne) {
      uint64_t u = r.get<uint64_t>("tensor dimension");
      if (u == 0 || u > (1ull << 40)) throw FormatError(tw, "dimension " + std::to_string(u) + " is implausible");
      d = static_cast<int64_t>(u);
    }
    t.shape.assign(ne.rbegin(), ne.rend());  // ggml lists the fastest dimension first
    uint32_t gt = r.get<uint32_t>("tensor type");
    auto dt = dtype_from_ggml(gt);
    if (!dt) throw FormatError(tw, "ggml type " + ggml_type_name(gt) + " is not supported");
    t.dtype = *dt;
    uint64_t numel = checked_numel(t.shape, tw);
    const auto& info = dtype_info(t.dtype);
    if (ne[0] % info.block_elems != 0)
      throw FormatError(tw, "row length " + std::to_string(ne[0]) + " is not a multiple of the " +
                                std::string(info.name) + " block size " + std::to_string(info.block_elems));
    if (numel / info.block_elems > std::numeric_limits<uint64_t>::max() / info.block_bytes)
      throw FormatError(tw, "byte size overflows");
    t.nbytes = numel / info.block_elems * info.block_bytes;
    uint64_t rel = r.get<uint64_t>("tensor offset");
    if (rel % f->alignment_ != 0)
      throw FormatError(tw, "offset " + std::to_string(rel) + " is not aligned to " + std::to_string(f->alignment_));
    rel_offsets.push_back(rel);
    if (!names.insert(t.name).second) throw FormatError(tw, "name appears twice");
    f->tensors_.push_back(std::move(t));
  }
  uint64_t end = r.pos();
  f->data_offset_ = (end + f->alignment_ - 1) / f->alignment_ * f->alignment_;
  if (f->data_offset_ > f->file_->size() && n_tensors > 0) r.fail("tensor data section lies past the end of the file");
  const uint64_t data_size = f->file_->size() - std::min(f->data_offset_, f->file_->size());
  for (size_t i = 0; i < f->tensors_.size(); ++i) {
    auto& t = f->tensors_[i];
    if (rel_offsets[i] > data_size || t.nbytes > data_size - rel_offsets[i])
      throw FormatError(where + ": tensor '" + t.name + "'",
                        "data [" + std::to_string(rel_offsets[i]) + ", +" + std::to_string(t.nbytes) +
                            ") lies outside the data section of " + std::to_string(data_size) + " bytes");
    t.offset = f->data_offset_ + rel_offsets[i];
  }
  check_no_overlap(f->tensors_, where);
  return f;
}

}  // namespace vkflow::formats
