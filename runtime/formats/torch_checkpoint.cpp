#include "runtime/formats/torch_checkpoint.hpp"

#include <map>
#include <unordered_set>

#include "runtime/core/error.hpp"
#include "runtime/formats/byte_reader.hpp"
#include "runtime/formats/pickle.hpp"
#include "runtime/formats/zip_archive.hpp"

namespace vkflow::formats {
namespace {

using pickle::Ref;
using pickle::Value;

struct StorageBytes { uint64_t offset = 0, size = 0; };

// The dict holding the weights: the root, or the value under a wrapper key.
Ref weights_root(const pickle::Result& r, std::string* wrapper) {
  const Value& root = r[r.root];
  if (root.kind != Value::Dict) return r.root;
  for (size_t i = 0; i + 1 < root.items.size(); i += 2) {
    const Value& k = r[root.items[i]];
    const Value& v = r[root.items[i + 1]];
    if (k.kind == Value::Str && v.kind == Value::Dict &&
        (k.s == "state_dict" || k.s == "weight" || k.s == "model" || k.s == "module")) {
      *wrapper = k.s;
      return root.items[i + 1];
    }
  }
  return r.root;
}

class Collector {
 public:
  Collector(const pickle::Result& r, const std::map<std::string, StorageBytes>& storages, const std::string& where,
            std::vector<TensorInfo>& out, std::vector<std::string>& problems)
      : r_(r), storages_(storages), where_(where), out_(out), problems_(problems) {}

  void walk(Ref d, const std::string& prefix, int depth) {
    if (depth > 8 || !visited_.insert(d).second) return;
    const Value& v = r_[d];
    if (v.kind != Value::Dict) return;
    for (size_t i = 0; i + 1 < v.items.size(); i += 2) {
      const Value& k = r_[v.items[i]];
      if (k.kind != Value::Str) continue;
      const Value& x = r_[v.items[i + 1]];
      if (x.kind == Value::Tensor) add(prefix + k.s, x);
      else if (x.kind == Value::Dict) walk(v.items[i + 1], prefix + k.s + ".", depth + 1);
    }
  }

 private:
  void add(const std::string& name, const Value& t) {
    const std::string tw = where_ + ": tensor '" + name + "'";
    const Value& st = r_[t.items[0]];
    if (st.unsupported_dtype) {
      problems_.push_back("tensor '" + name + "' skipped: storage type " + r_[st.items[0]].s + " is not supported");
      return;
    }
    if (!names_.insert(name).second) throw FormatError(tw, "name appears twice");
    auto it = storages_.find(st.s);
    if (it == storages_.end()) throw FormatError(tw, "storage '" + st.s + "' is missing from the file");
    const uint64_t es = dtype_bytes(st.dtype, 1);
    if (static_cast<uint64_t>(st.i) > it->second.size / es)
      throw FormatError(tw, "storage '" + st.s + "' claims " + std::to_string(st.i) + " elements but holds " +
                                std::to_string(it->second.size) + " bytes");
    TensorInfo ti;
    ti.name = name;
    ti.dtype = st.dtype;
    ti.shape = t.shape;
    for (int64_t d : t.shape)
      if (d < 0 || d > (1ll << 40)) throw FormatError(tw, "dimension " + std::to_string(d) + " is implausible");
    uint64_t n = checked_numel(t.shape, tw);
    int64_t expect = 1;  // contiguous row-major strides (size-1 dims may carry any stride)
    for (size_t i = t.shape.size(); i-- > 0;) {
      if (t.shape[i] != 1 && t.stride[i] != expect) {
        problems_.push_back("tensor '" + name + "' skipped: not contiguous (stride " + to_string(t.stride) + ")");
        return;
      }
      expect *= t.shape[i];
    }
    if (t.storage_offset < 0 || static_cast<uint64_t>(t.storage_offset) > static_cast<uint64_t>(st.i) ||
        n > static_cast<uint64_t>(st.i) - static_cast<uint64_t>(t.storage_offset))
      throw FormatError(tw, "elements [" + std::to_string(t.storage_offset) + ", +" + std::to_string(n) +
                                ") lie outside its storage of " + std::to_string(st.i));
    ti.offset = it->second.offset + static_cast<uint64_t>(t.storage_offset) * es;
    ti.nbytes = n * es;
    out_.push_back(std::move(ti));
  }

  const pickle::Result& r_;
  const std::map<std::string, StorageBytes>& storages_;
  std::string where_;
  std::vector<TensorInfo>& out_;
  std::vector<std::string>& problems_;
  std::unordered_set<Ref> visited_;
  std::unordered_set<std::string> names_;
};

// Storages referenced by the pickle (key -> dtype, element count), found by walking the arena.
std::map<std::string, const Value*> storages_in(const pickle::Result& r) {
  std::map<std::string, const Value*> m;
  for (const Value& v : r.arena)
    if (v.kind == Value::Storage) m.emplace(v.s, &v);
  return m;
}

}  // namespace

bool is_torch_checkpoint(std::span<const uint8_t> head) {
  return is_zip(head) || (head.size() >= 2 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5);
}

std::unique_ptr<TorchCheckpoint> TorchCheckpoint::open(const std::filesystem::path& path) {
  return open(MappedFile::open(path));
}

std::unique_ptr<TorchCheckpoint> TorchCheckpoint::open(std::shared_ptr<const MappedFile> file) {
  auto c = std::unique_ptr<TorchCheckpoint>(new TorchCheckpoint());
  c->file_ = std::move(file);
  const std::string where = c->file_->path().string();
  auto all = c->file_->range(0, c->file_->size(), "file");
  std::map<std::string, StorageBytes> storages;
  pickle::Result main;

  if (is_zip(all)) {
    ZipArchive zip(c->file_);
    const ZipEntry* pkl = nullptr;
    for (auto& e : zip.entries()) {
      auto slash = e.name.find('/');
      if (e.name == "data.pkl" || (slash != std::string::npos && e.name.substr(slash) == "/data.pkl")) { pkl = &e; break; }
    }
    if (!pkl) throw FormatError(where, "zip archive has no data.pkl: not a torch.save checkpoint");
    const std::string prefix = pkl->name.substr(0, pkl->name.size() - 8);  // "archive/"
    if (auto* bo = zip.find(prefix + "byteorder")) {
      auto b = zip.stored_bytes(*bo);
      if (std::string_view(reinterpret_cast<const char*>(b.data()), b.size()) != "little")
        throw FormatError(where, "big-endian checkpoints are not supported");
    }
    main = pickle::load(zip.stored_bytes(*pkl), where + ": " + pkl->name);
    for (auto& [key, v] : storages_in(main)) {
      const ZipEntry* e = zip.find(prefix + "data/" + key);
      if (!e) throw FormatError(where, "storage '" + key + "' has no entry " + prefix + "data/" + key);
      auto b = zip.stored_bytes(*e);
      storages[key] = {static_cast<uint64_t>(b.data() - c->file_->data()), b.size()};
    }
  } else {
    // Legacy: magic number, protocol version, sys info, the object, storage keys, storages.
    c->legacy_ = true;
    ByteReader r(all, where);
    auto next = [&](const char* what) {
      uint64_t used = 0;
      auto res = pickle::load(all.subspan(r.pos()), where + ": " + what, &used);
      r.skip(used, what);
      return res;
    };
    auto magic = next("magic number");
    const Value& m = magic[magic.root];
    static const uint8_t kMagic[] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19};
    if (m.kind != Value::Int || m.s != std::string(reinterpret_cast<const char*>(kMagic), 10))
      throw FormatError(where, "not a PyTorch checkpoint (pickle without torch's magic number)");
    auto proto = next("protocol version");
    if (proto[proto.root].kind != Value::Int || proto[proto.root].i != 1001)
      throw FormatError(where, "legacy protocol version is not 1001");
    next("sys info");
    main = next("object");
    auto keys = next("storage keys");
    const Value& kl = keys[keys.root];
    if (kl.kind != Value::List) throw FormatError(where, "storage key list is not a list");
    auto refs = storages_in(main);
    for (Ref k : kl.items) {
      if (keys[k].kind != Value::Str) throw FormatError(where, "storage key is not a string");
      auto it = refs.find(keys[k].s);
      if (it == refs.end()) throw FormatError(where, "storage '" + keys[k].s + "' is not used by the object");
      int64_t n = r.get<int64_t>("storage element count");
      uint64_t es = it->second->unsupported_dtype ? 8 : dtype_bytes(it->second->dtype, 1);
      if (n < 0 || static_cast<uint64_t>(n) > r.remaining() / es)
        throw FormatError(where, "storage '" + keys[k].s + "': " + std::to_string(n) + " elements run past the end of the file");
      storages[keys[k].s] = {r.file_pos(), static_cast<uint64_t>(n) * es};
      r.skip(static_cast<uint64_t>(n) * es, "storage data");
    }
  }

  std::string wrapper;
  Ref root = weights_root(main, &wrapper);
  Collector(main, storages, where, c->tensors_, c->problems_).walk(root, "", 0);
  const Value& top = main[main.root];
  if (top.kind == Value::Dict) {
    for (size_t i = 0; i + 1 < top.items.size(); i += 2) {
      const Value& k = main[top.items[i]];
      if (k.kind != Value::Str || k.s == wrapper || main[top.items[i + 1]].kind == Value::Tensor) continue;
      if (main[top.items[i + 1]].kind == Value::Dict && wrapper.empty()) continue;
      c->metadata_[k.s] = pickle::to_json(main, top.items[i + 1]);
    }
  }
  if (!wrapper.empty()) c->metadata_["_weights_under"] = wrapper;
  if (!c->problems_.empty()) c->metadata_["_problems"] = c->problems_;
  return c;
}

}  // namespace vkflow::formats
