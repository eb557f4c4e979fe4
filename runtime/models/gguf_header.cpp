// GGUF tensor index for the planner: the key/value section is skipped, tensor infos are read
// and checked against the file. (The full GGUF reader lives in runtime/formats once merged;
// this reads only what estimates need.)
#include <cstring>

#include "runtime/core/error.hpp"
#include "runtime/formats/mapped_file.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::models {
namespace {

struct Cursor {
  const formats::MappedFile& f;
  uint64_t pos = 0;
  template <class T>
  T get(const char* what) {
    T v;
    std::memcpy(&v, f.range(pos, sizeof(T), what).data(), sizeof(T));
    pos += sizeof(T);
    return v;
  }
  std::string str(const char* what) {
    uint64_t n = get<uint64_t>(what);
    auto r = f.range(pos, n, what);
    pos += n;
    return std::string(reinterpret_cast<const char*>(r.data()), n);
  }
  void skip_value(uint32_t type, int depth = 0) {
    static const uint64_t sizes[] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    if (type == 8) {
      str("metadata string");
    } else if (type == 9) {
      if (depth > 2) throw FormatError(f.path().string(), "nested GGUF arrays");
      uint32_t et = get<uint32_t>("array type");
      uint64_t n = get<uint64_t>("array length");
      if (et != 8 && et != 9 && et < 13) {
        f.range(pos, n * sizes[et], "array");
        pos += n * sizes[et];
      } else {
        for (uint64_t i = 0; i < n; ++i) skip_value(et, depth + 1);
      }
    } else if (type < 13) {
      f.range(pos, sizes[type], "metadata value");
      pos += sizes[type];
    } else {
      throw FormatError(f.path().string(), "unknown GGUF metadata type " + std::to_string(type));
    }
  }
};

std::optional<DType> ggml_dtype(uint32_t t) {
  switch (t) {
    case 0: return DType::F32;   case 1: return DType::F16;   case 2: return DType::Q4_0;
    case 3: return DType::Q4_1;  case 6: return DType::Q5_0;  case 7: return DType::Q5_1;
    case 8: return DType::Q8_0;  case 10: return DType::Q2_K; case 11: return DType::Q3_K;
    case 12: return DType::Q4_K; case 13: return DType::Q5_K; case 14: return DType::Q6_K;
    case 24: return DType::I8;   case 25: return DType::I16;  case 26: return DType::I32;
    case 27: return DType::I64;  case 30: return DType::BF16;
    default: return std::nullopt;
  }
}

}  // namespace

ModelHeader read_gguf_header(const std::filesystem::path& path) {
  auto file = formats::MappedFile::open(path);
  const std::string where = path.string();
  Cursor c{*file};
  if (c.get<uint32_t>("magic") != 0x46554747u) throw FormatError(where, "not a GGUF file");
  uint32_t version = c.get<uint32_t>("version");
  if (version < 2 || version > 3) throw FormatError(where, "GGUF version " + std::to_string(version) + " unsupported");
  uint64_t n_tensors = c.get<uint64_t>("tensor count"), n_kv = c.get<uint64_t>("kv count");
  if (n_tensors > (1u << 20) || n_kv > (1u << 20)) throw FormatError(where, "implausible tensor/kv count");
  uint64_t alignment = 32;
  ModelHeader h;
  h.path = where;
  h.format = "gguf";
  for (uint64_t i = 0; i < n_kv; ++i) {
    std::string key = c.str("metadata key");
    uint32_t type = c.get<uint32_t>("metadata type");
    if (key == "general.alignment" && type == 4) {
      alignment = c.get<uint32_t>("alignment");
      if (alignment == 0 || (alignment & (alignment - 1))) throw FormatError(where, "bad general.alignment");
    } else if (type == 8) {
      h.metadata[key] = c.str("metadata string");
    } else {
      c.skip_value(type);
    }
  }
  std::vector<uint64_t> rel;
  for (uint64_t i = 0; i < n_tensors; ++i) {
    formats::TensorInfo t;
    t.name = c.str("tensor name");
    uint32_t nd = c.get<uint32_t>("n_dims");
    if (nd == 0 || nd > 4) throw FormatError(where + ": tensor '" + t.name + "'", "bad n_dims " + std::to_string(nd));
    Shape ne(nd);
    for (auto& d : ne) {
      uint64_t v = c.get<uint64_t>("dim");
      if (v == 0 || v > (1ull << 40)) throw FormatError(where + ": tensor '" + t.name + "'", "implausible dimension");
      d = static_cast<int64_t>(v);
    }
    t.shape.assign(ne.rbegin(), ne.rend());  // GGUF lists the fastest dimension first
    uint32_t ty = c.get<uint32_t>("type");
    auto dt = ggml_dtype(ty);
    if (!dt) throw FormatError(where + ": tensor '" + t.name + "'", "unsupported ggml type " + std::to_string(ty));
    t.dtype = *dt;
    if (ne[0] % dtype_info(t.dtype).block_elems != 0)
      throw FormatError(where + ": tensor '" + t.name + "'", "row length not a multiple of the block size");
    t.nbytes = dtype_bytes(t.dtype, numel(t.shape));
    rel.push_back(c.get<uint64_t>("offset"));
    h.tensors.push_back(std::move(t));
  }
  uint64_t data_start = (c.pos + alignment - 1) / alignment * alignment;
  for (size_t i = 0; i < h.tensors.size(); ++i) {
    auto& t = h.tensors[i];
    t.offset = data_start + rel[i];
    if (t.offset < data_start || t.offset + t.nbytes > file->size())
      throw FormatError(where + ": tensor '" + t.name + "'", "data lies outside the file");
  }
  return h;
}

}  // namespace vkflow::models
