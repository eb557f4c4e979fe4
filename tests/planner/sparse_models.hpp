#pragma once
// Full-size model files with real headers and no data on disk: the header is written and the
// file is extended with ftruncate, so a 23 GB FLUX checkpoint costs a few kilobytes. Tensor
// lists come from the manifests in tests/data/formats/manifests (copied from the shared fixtures).
#include <fcntl.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/core/dtype.hpp"
#include "tests/common/paths.hpp"

namespace vkflow::test {

struct SparseTensor {
  std::string name;
  std::vector<int64_t> shape;  // outermost first
  DType dtype;
};

inline nlohmann::json read_manifest(const std::string& file) {
  std::ifstream f(data_dir() / "formats" / "manifests" / file);
  if (!f) throw std::runtime_error("missing manifest " + file);
  return nlohmann::json::parse(f);
}

inline std::vector<SparseTensor> manifest_tensors(const nlohmann::json& m) {
  std::vector<SparseTensor> v;
  for (const auto& t : m["tensors"])
    v.push_back({t["name"], t["shape"].get<std::vector<int64_t>>(), *parse_dtype(t["dtype"].get<std::string>())});
  return v;
}

inline void extend_sparse(const std::filesystem::path& p, uint64_t size) {
  int fd = ::open(p.c_str(), O_WRONLY);
  if (fd < 0 || ::ftruncate(fd, static_cast<off_t>(size)) != 0) throw std::runtime_error("ftruncate " + p.string());
  ::close(fd);
}

inline std::string safetensors_dtype_name(DType t) {
  std::string s(dtype_name(t));
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

inline void write_sparse_safetensors(const std::filesystem::path& p, const std::vector<SparseTensor>& ts) {
  nlohmann::ordered_json h;
  uint64_t off = 0;
  for (const auto& t : ts) {
    int64_t n = 1;
    for (auto d : t.shape) n *= d;
    uint64_t b = dtype_bytes(t.dtype, n);
    h[t.name] = {{"dtype", safetensors_dtype_name(t.dtype)}, {"shape", t.shape}, {"data_offsets", {off, off + b}}};
    off += b;
  }
  std::string text = h.dump();
  uint64_t len = text.size();
  {
    std::ofstream f(p, std::ios::binary);
    f.write(reinterpret_cast<const char*>(&len), 8);
    f << text;
  }
  extend_sparse(p, 8 + len + off);
}

inline uint32_t ggml_type_id(DType t) {
  switch (t) {
    case DType::F32: return 0; case DType::F16: return 1; case DType::Q4_0: return 2;
    case DType::Q8_0: return 8; case DType::Q4_K: return 12; case DType::Q6_K: return 14;
    case DType::BF16: return 30;
    default: throw std::runtime_error("no ggml id for this dtype in the test writer");
  }
}

inline void write_sparse_gguf(const std::filesystem::path& p, const std::vector<SparseTensor>& ts,
                              const std::string& arch) {
  std::string b;
  auto u32 = [&](uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); };
  auto u64 = [&](uint64_t v) { b.append(reinterpret_cast<const char*>(&v), 8); };
  auto str = [&](const std::string& s) { u64(s.size()); b += s; };
  b += "GGUF";
  u32(3);
  u64(ts.size());
  u64(1);
  str("general.architecture");
  u32(8);
  str(arch);
  uint64_t off = 0;
  for (const auto& t : ts) {
    str(t.name);
    u32(static_cast<uint32_t>(t.shape.size()));
    for (auto it = t.shape.rbegin(); it != t.shape.rend(); ++it) u64(static_cast<uint64_t>(*it));
    u32(ggml_type_id(t.dtype));
    u64(off);
    int64_t n = 1;
    for (auto d : t.shape) n *= d;
    off += (dtype_bytes(t.dtype, n) + 31) / 32 * 32;
  }
  b.resize((b.size() + 31) / 32 * 32, '\0');
  {
    std::ofstream f(p, std::ios::binary);
    f << b;
  }
  extend_sparse(p, b.size() + off);
}

// The FLUX GGUF users download (city96-style): Q4_K for 2-D weights whose rows are a multiple
// of 256, F16 for the other 2-D weights, F32 for 1-D tensors.
inline std::vector<SparseTensor> flux_q4k_tensors(const nlohmann::json& manifest) {
  auto ts = manifest_tensors(manifest);
  for (auto& t : ts) {
    if (t.shape.size() == 1) t.dtype = DType::F32;
    else if (t.shape.back() % 256 == 0) t.dtype = DType::Q4_K;
    else t.dtype = DType::F16;
  }
  return ts;
}

}  // namespace vkflow::test
