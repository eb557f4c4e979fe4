#pragma once
// Byte-level builders for hand-made model files (valid and hostile): GGUF, stored zip
// archives, pickles and whisper.cpp .bin. Little-endian hosts only, as the readers.
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace vkflow::test {

struct Bytes {
  std::string b;
  template <class T> Bytes& put(T v) { b.append(reinterpret_cast<const char*>(&v), sizeof v); return *this; }
  Bytes& raw(const std::string& s) { b += s; return *this; }
  Bytes& gstr(const std::string& s) { put<uint64_t>(s.size()); return raw(s); }  // GGUF string
};

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::ofstream o(p, std::ios::binary);
  o.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

struct ZipItem {
  std::string name, data;
  uint16_t method = 0;
  int64_t claimed_size = -1;  // overrides both sizes in the central directory when >= 0
};

// A zip with stored entries; `overlap_second` points entry 2's local offset at entry 1's.
inline std::string make_zip(const std::vector<ZipItem>& items, bool overlap_second = false) {
  Bytes z;
  std::vector<uint32_t> offs;
  for (auto& it : items) {
    offs.push_back(static_cast<uint32_t>(z.b.size()));
    z.put<uint32_t>(0x04034b50).put<uint16_t>(20).put<uint16_t>(0).put<uint16_t>(it.method).put<uint32_t>(0).put<uint32_t>(0);
    z.put<uint32_t>(static_cast<uint32_t>(it.data.size())).put<uint32_t>(static_cast<uint32_t>(it.data.size()));
    z.put<uint16_t>(static_cast<uint16_t>(it.name.size())).put<uint16_t>(0).raw(it.name).raw(it.data);
  }
  if (overlap_second && offs.size() > 1) offs[1] = offs[0];
  uint32_t cd = static_cast<uint32_t>(z.b.size());
  for (size_t i = 0; i < items.size(); ++i) {
    auto& it = items[i];
    uint32_t size = it.claimed_size >= 0 ? static_cast<uint32_t>(it.claimed_size) : static_cast<uint32_t>(it.data.size());
    uint32_t usize = it.claimed_size >= 0 && it.method != 0 ? 0xfffffff0u : size;
    z.put<uint32_t>(0x02014b50).put<uint16_t>(20).put<uint16_t>(20).put<uint16_t>(0).put<uint16_t>(it.method);
    z.put<uint32_t>(0).put<uint32_t>(0).put<uint32_t>(size).put<uint32_t>(usize);
    z.put<uint16_t>(static_cast<uint16_t>(it.name.size())).put<uint16_t>(0).put<uint16_t>(0).put<uint16_t>(0).put<uint16_t>(0);
    z.put<uint32_t>(0).put<uint32_t>(offs[i]).raw(it.name);
  }
  uint32_t cd_size = static_cast<uint32_t>(z.b.size()) - cd;
  z.put<uint32_t>(0x06054b50).put<uint16_t>(0).put<uint16_t>(0).put<uint16_t>(static_cast<uint16_t>(items.size()));
  z.put<uint16_t>(static_cast<uint16_t>(items.size())).put<uint32_t>(cd_size).put<uint32_t>(cd).put<uint16_t>(0);
  return z.b;
}

// Protocol-2 pickle helpers.
inline std::string pk_str(const std::string& s) { return "\x8c" + std::string(1, static_cast<char>(s.size())) + s; }
inline std::string pk_global(const std::string& mod, const std::string& name) { return "c" + mod + "\n" + name + "\n"; }

// A one-tensor torch.save-style archive: {"w": tensor(float32[2])} over storage "0".
inline std::string torch_zip(const std::string& pickle_body, const std::string& storage = std::string(8, '\0')) {
  return make_zip({{"archive/data.pkl", pickle_body}, {"archive/byteorder", "little"}, {"archive/data/0", storage}});
}
inline std::string tensor_pickle(int64_t numel_storage = 2, int64_t size0 = 2, int64_t offset = 0) {
  auto bi = [](int64_t v) { std::string s = "J"; int32_t x = static_cast<int32_t>(v); s.append(reinterpret_cast<char*>(&x), 4); return s; };
  std::string p = "\x80\x02}(" + pk_str("w") + pk_global("torch._utils", "_rebuild_tensor_v2") + "(" + "(" + pk_str("storage") +
                  pk_global("torch", "FloatStorage") + pk_str("0") + pk_str("cpu") + bi(numel_storage) + "tQ" + bi(offset) +
                  "(" + bi(size0) + "t(" + bi(1) + "t\x89}tRu.";
  return p;
}

// One tensor for the writers below: safetensors dtype name ("F16", "F32", "I64"), shape, bytes.
struct RawTensor {
  std::string name, dtype;
  std::vector<int64_t> shape;
  std::string data;
};

// A safetensors file holding `ts` in order.
inline std::string make_safetensors(const std::vector<RawTensor>& ts) {
  std::string header = "{", data;
  for (auto& t : ts) {
    std::string shape;
    for (auto d : t.shape) shape += (shape.empty() ? "" : ",") + std::to_string(d);
    header += (header.size() > 1 ? "," : "") + ("\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[" + shape +
              "],\"data_offsets\":[" + std::to_string(data.size()) + "," + std::to_string(data.size() + t.data.size()) + "]}");
    data += t.data;
  }
  header += "}";
  while (header.size() % 8) header += ' ';
  Bytes b;
  b.put<uint64_t>(header.size());
  return b.raw(header).raw(data).b;
}

// A torch.save zip of the state dict `ts` (one storage per tensor, contiguous), as
// torch.save writes it: archive/data.pkl (protocol 2) + archive/data/<key>.
inline std::string make_torch_state_dict(const std::vector<RawTensor>& ts) {
  auto bi = [](int64_t v) { std::string s = "J"; int32_t x = static_cast<int32_t>(v); s.append(reinterpret_cast<char*>(&x), 4); return s; };
  std::string p = "\x80\x02}(";
  std::vector<ZipItem> items;
  for (size_t k = 0; k < ts.size(); ++k) {
    const RawTensor& t = ts[k];
    const char* storage = t.dtype == "F16" ? "HalfStorage" : t.dtype == "F32" ? "FloatStorage" : t.dtype == "BF16" ? "BFloat16Storage" : "LongStorage";
    int64_t numel = 1;
    for (auto d : t.shape) numel *= d;
    std::string sizes = "(", strides = "(";
    int64_t stride = 1;
    std::vector<int64_t> st(t.shape.size());
    for (size_t i = t.shape.size(); i-- > 0;) { st[i] = stride; stride *= t.shape[i]; }
    for (size_t i = 0; i < t.shape.size(); ++i) { sizes += bi(t.shape[i]); strides += bi(st[i]); }
    p += pk_str(t.name) + pk_global("torch._utils", "_rebuild_tensor_v2") + "((" + pk_str("storage") + pk_global("torch", storage) +
         pk_str(std::to_string(k)) + pk_str("cpu") + bi(numel) + "tQ" + bi(0) + sizes + "t" + strides + "t\x89}tR";
    items.push_back({"archive/data/" + std::to_string(k), t.data});
  }
  p += "u.";
  items.insert(items.begin(), {{"archive/data.pkl", p}, {"archive/byteorder", "little"}});
  return make_zip(items);
}

}  // namespace vkflow::test
