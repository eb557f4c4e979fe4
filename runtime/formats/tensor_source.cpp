#include "runtime/formats/tensor_source.hpp"

#include <algorithm>
#include <limits>

#include "runtime/core/convert.hpp"
#include "runtime/core/error.hpp"
#include "runtime/formats/gguf.hpp"
#include "runtime/formats/safetensors.hpp"
#include "runtime/formats/safetensors_sharded.hpp"
#include "runtime/formats/torch_checkpoint.hpp"
#include "runtime/formats/whisper_bin.hpp"

namespace vkflow::formats {

std::span<const uint8_t> TensorSource::bytes(const TensorInfo& t) const {
  auto fs = files();
  if (t.file >= fs.size()) throw FormatError(describe(), "tensor '" + t.name + "' refers to a missing file");
  return fs[t.file]->range(t.offset, t.nbytes, t.name.c_str());
}

const TensorInfo* TensorSource::find(std::string_view name) const {
  const auto& ts = tensors();
  if (index_.size() != ts.size()) {
    index_.clear();
    for (size_t i = 0; i < ts.size(); ++i) index_.emplace(ts[i].name, i);
  }
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &ts[it->second];
}

const TensorInfo& TensorSource::at(std::string_view name) const {
  const TensorInfo* t = find(name);
  if (!t) throw FormatError(describe(), "no tensor named '" + std::string(name) + "'");
  return *t;
}

std::vector<float> TensorSource::read_f32(const TensorInfo& t) const {
  std::vector<float> out(static_cast<size_t>(numel(t.shape)));
  convert_to_f32(t.dtype, bytes(t).data(), out.data(), static_cast<int64_t>(out.size()));
  return out;
}

uint64_t checked_numel(const Shape& s, const std::string& where) {
  uint64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) throw FormatError(where, "negative dimension");
    if (d != 0 && n > std::numeric_limits<uint64_t>::max() / static_cast<uint64_t>(d))
      throw FormatError(where, "shape overflows");
    n *= static_cast<uint64_t>(d);
  }
  // 2^50 elements is far beyond any model; larger counts only come from crafted files.
  if (n > (1ull << 50)) throw FormatError(where, "shape " + to_string(s) + " has an implausible element count");
  return n;
}

void check_no_overlap(const std::vector<TensorInfo>& tensors, const std::string& where) {
  // A crafted file could alias one tensor's bytes into another; real files never do.
  std::vector<const TensorInfo*> v;
  for (auto& t : tensors)
    if (t.nbytes > 0) v.push_back(&t);
  std::sort(v.begin(), v.end(), [](auto* a, auto* b) { return std::tie(a->file, a->offset) < std::tie(b->file, b->offset); });
  for (size_t i = 1; i < v.size(); ++i)
    if (v[i - 1]->file == v[i]->file && v[i - 1]->offset + v[i - 1]->nbytes > v[i]->offset)
      throw FormatError(where, "tensors '" + v[i - 1]->name + "' and '" + v[i]->name + "' overlap");
}

std::unique_ptr<TensorSource> open_tensor_source(const std::filesystem::path& path) {
  const std::string where = path.string();
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw FormatError(where, "is a folder; open it as a model folder (ModelFile::open)");
  auto name = path.filename().string();
  if (name.size() > 11 && name.ends_with(".index.json")) return ShardedSafetensors::open(path);
  auto f = MappedFile::open(path);
  auto head = f->range(0, std::min<uint64_t>(f->size(), 16), "magic");
  if (is_gguf(head)) return GgufFile::open(path);
  if (is_whisper_bin(head)) return WhisperBinFile::open(path);
  if (is_torch_checkpoint(head)) return TorchCheckpoint::open(path);
  if (head.size() >= 9) {
    uint64_t n = 0;
    std::memcpy(&n, head.data(), 8);
    if (n >= 2 && n < f->size() && head[8] == '{') return std::make_unique<SafetensorsFile>(SafetensorsFile::open(path));
  }
  throw FormatError(where, "unrecognised model file (not safetensors, GGUF, a PyTorch checkpoint or a whisper.cpp .bin)");
}

}  // namespace vkflow::formats
