#include "runtime/formats/model_file.hpp"

#include <fstream>

#include "runtime/core/convert.hpp"
#include "runtime/core/quant.hpp"
#include "runtime/core/error.hpp"
#include "runtime/formats/canonical_names.hpp"
#include "runtime/formats/diffusers_folder.hpp"
#include "runtime/formats/json_file.hpp"
#include "runtime/formats/weight_norm.hpp"

namespace vkflow::formats {
namespace {

// The parameter a weight-norm tensor belongs to and whether it is the magnitude (g).
struct WnPart { std::string base; bool is_g; };
std::optional<WnPart> weight_norm_part(const std::string& n) {
  static const std::pair<const char*, bool> kSuffixes[] = {
      {".weight_g", true}, {".weight_v", false},
      {".parametrizations.weight.original0", true}, {".parametrizations.weight.original1", false}};
  for (auto& [suf, g] : kSuffixes) {
    std::string_view s(suf);
    if (n.size() > s.size() && n.compare(n.size() - s.size(), s.size(), s) == 0)
      return WnPart{n.substr(0, n.size() - s.size()) + ".weight", g};
  }
  return std::nullopt;
}

}  // namespace

ModelFile ModelFile::from_source(std::unique_ptr<TensorSource> src, nlohmann::json extra) {
  ModelFile m;
  m.describe_ = src->describe();
  m.metadata_ = src->metadata();
  if (extra.is_object())
    for (auto& [k, v] : extra.items()) m.metadata_[k] = v;
  m.sources_ = std::make_shared<std::vector<std::unique_ptr<TensorSource>>>();
  m.sources_->push_back(std::move(src));
  m.build();
  return m;
}

ModelFile ModelFile::open(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) return from_source(open_tensor_source(path));
  // A HF model folder: config.json next to the weights.
  nlohmann::json extra = nlohmann::json::object();
  if (std::filesystem::exists(path / "config.json", ec)) extra["config"] = read_json_file(path / "config.json");
  if (std::filesystem::exists(path / "model_index.json", ec)) return open_diffusers_folder(path);
  for (const char* name : {"model.safetensors.index.json", "model.safetensors", "diffusion_pytorch_model.safetensors",
                           "pytorch_model.bin.index.json", "pytorch_model.bin", "diffusion_pytorch_model.bin"}) {
    if (!std::filesystem::exists(path / name, ec)) continue;
    if (std::string_view(name) == "pytorch_model.bin.index.json")
      throw FormatError((path / name).string(), "sharded pytorch_model.bin checkpoints are not supported");
    ModelFile m = from_source(open_tensor_source(path / name), extra);
    m.describe_ = path.string();
    return m;
  }
  throw FormatError(path.string(), "folder holds no model weights (model.safetensors, pytorch_model.bin, ...)");
}

void ModelFile::build() {
  const TensorSource& src = *sources_->front();
  detection_ = detect(src.tensors(), metadata_, src.format());
  if (detection_.arch == arch::kHubert && metadata_.contains("config")) detection_.variant["config"] = "config.json";
  std::vector<Mapped> mapped;
  for (const TensorInfo& t : src.tensors()) {
    if (auto canon = canonical_name(detection_, t.name)) mapped.push_back({0, &t, std::move(*canon), t.shape});
    else ignored_.push_back(t.name);
  }
  build_weights(mapped);
}

void ModelFile::build_weights(const std::vector<Mapped>& mapped) {
  std::unordered_map<std::string, std::pair<const Mapped*, const Mapped*>> wn;  // base -> (g, v)
  for (const Mapped& m : mapped) {
    const TensorInfo& t = *m.t;
    if (auto part = weight_norm_part(m.canonical)) {
      auto& e = wn[part->base];
      (part->is_g ? e.first : e.second) = &m;
      continue;
    }
    WeightInfo w;
    w.name = m.canonical;
    w.source = m.source;
    w.stored = &t;
    w.dtype = t.dtype;
    w.shape = m.shape;
    w.nbytes = t.nbytes;
    if (t.dtype == DType::F8_E4M3 || t.dtype == DType::F8_E5M2) {
      w.kind = WeightInfo::Kind::UpcastF8;
      w.dtype = DType::F16;
      w.nbytes = t.nbytes * 2;
    }
    // whisper.cpp stores conv biases as [n, 1]; openai-whisper's are [n].
    if (detection_.arch == arch::kWhisper && w.shape.size() == 2 && w.shape[1] == 1 && w.name.ends_with(".bias"))
      w.shape = {w.shape[0]};
    weights_.push_back(std::move(w));
  }
  for (auto& [base, gv] : wn) {
    if (!gv.first || !gv.second) throw FormatError(describe_, "weight norm of '" + base + "' lacks its " + (gv.first ? "v" : "g") + " tensor");
    if (gv.first->source != gv.second->source)
      throw FormatError(describe_, "weight norm of '" + base + "' has its g and v tensors in different files");
    WeightInfo w;
    w.name = base;
    w.kind = WeightInfo::Kind::FoldWeightNorm;
    w.source = gv.second->source;
    w.g = gv.first->t;
    w.stored = gv.second->t;
    w.dtype = DType::F32;
    w.shape = gv.second->shape;
    w.nbytes = checked_numel(w.shape, describe_) * 4;
    weights_.push_back(std::move(w));
  }
  // Canonical names must be unique: a duplicate (e.g. T5's shared + embed_tokens) keeps the first.
  std::vector<WeightInfo> unique;
  for (auto& w : weights_) {
    if (index_.count(w.name)) {
      ignored_.push_back(w.stored ? w.stored->name : w.name);
      continue;
    }
    index_[w.name] = unique.size();
    unique.push_back(std::move(w));
  }
  weights_ = std::move(unique);
}

const WeightInfo* ModelFile::find(std::string_view name) const {
  auto it = index_.find(std::string(name));
  return it == index_.end() ? nullptr : &weights_[it->second];
}

const WeightInfo& ModelFile::at(std::string_view name) const {
  const WeightInfo* w = find(name);
  if (!w) throw FormatError(describe_, "no weight '" + std::string(name) + "' (" + detection_.arch + " model)");
  return *w;
}

std::string ModelFile::format() const { return format_.empty() ? sources_->front()->format() : format_; }

std::span<const uint8_t> ModelFile::bytes(const WeightInfo& w, std::vector<uint8_t>& scratch) const {
  const TensorSource& src = *(*sources_)[w.source];
  switch (w.kind) {
    case WeightInfo::Kind::Direct:
      return src.bytes(*w.stored);
    case WeightInfo::Kind::UpcastF8: {
      auto in = src.bytes(*w.stored);
      scratch.resize(in.size() * 2);
      auto* out = reinterpret_cast<uint16_t*>(scratch.data());
      for (size_t i = 0; i < in.size(); ++i)  // both f8 types are exact in f16
        out[i] = f32_to_f16(w.stored->dtype == DType::F8_E4M3 ? f8_e4m3_to_f32(in[i]) : f8_e5m2_to_f32(in[i]));
      return scratch;
    }
    case WeightInfo::Kind::FoldWeightNorm: {
      auto f = fold_weight_norm(src.read_f32(*w.g), w.g->shape, src.read_f32(*w.stored), w.stored->shape,
                                describe_ + ": weight '" + w.name + "'");
      scratch.resize(f.size() * 4);
      std::memcpy(scratch.data(), f.data(), scratch.size());
      return scratch;
    }
  }
  return {};
}

std::vector<float> ModelFile::read_f32(std::string_view name) const {
  const WeightInfo& w = at(name);
  std::vector<uint8_t> scratch;
  auto b = bytes(w, scratch);
  std::vector<float> out(static_cast<size_t>(numel(w.shape)));
  bytes_to_f32(w.dtype, b, out.data(), static_cast<int64_t>(out.size()));
  return out;
}

}  // namespace vkflow::formats
