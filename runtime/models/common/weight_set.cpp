#include "runtime/models/common/weight_set.hpp"

#include <cctype>
#include <set>

#include "runtime/formats/weight_loader.hpp"

namespace vkflow::models {
namespace {

const char* op_of(WeightUse use) {
  switch (use) {
    case WeightUse::Linear: return "linear";
    case WeightUse::Conv2d: return "conv2d";
    case WeightUse::Rows: return "get_rows";
    case WeightUse::F32: break;
  }
  return nullptr;
}

bool in_component(const formats::WeightInfo& w, const std::string& prefix, const WeightFilter& keep) {
  return w.name.size() > prefix.size() && w.name.compare(0, prefix.size(), prefix) == 0 &&
         (dtype_info(w.dtype).floating || dtype_info(w.dtype).quantized) &&  // skips position_ids (i64)
         (!keep || keep(std::string_view(w.name).substr(prefix.size())));
}

}  // namespace

DType resident_dtype(const Device& dev, WeightUse use, DType stored) {
  if (stored == DType::F32) return stored;
  const char* op = op_of(use);
  return op && dev.supports(op, stored) ? stored : DType::F32;
}

WeightSet WeightSet::load(const formats::ModelFile& m, Device& dev, const std::string& prefix, const WeightUseFn& use,
                          const WeightFilter& keep) {
  WeightSet s;
  s.dev_ = &dev;
  s.prefix_ = prefix;
  s.where_ = m.describe() + (prefix.empty() ? "" : " (" + prefix + "*)");
  s.metadata_ = m.metadata();
  formats::LoadOptions opt;
  opt.select = [&](const formats::WeightInfo& w) { return in_component(w, prefix, keep); };
  opt.as_f32 = [&](const formats::WeightInfo& w) {
    const std::string_view name = std::string_view(w.name).substr(prefix.size());
    return resident_dtype(dev, use(name, w.shape), w.dtype) == DType::F32;
  };
  for (auto& [name, t] : formats::load_weights(m, dev, opt)) {
    s.bytes_ += t.nbytes();
    s.w_.emplace(name.substr(prefix.size()), t);
  }
  if (s.w_.empty()) throw FormatError(m.describe(), "no weights named " + prefix + "* in this file");
  return s;
}

uint64_t WeightSet::estimate_bytes(const formats::ModelFile& m, const Device& dev, const std::string& prefix,
                                   const WeightUseFn& use, const WeightFilter& keep) {
  uint64_t total = 0;
  for (const auto& w : m.weights()) {
    if (!in_component(w, prefix, keep)) continue;
    const DType d = resident_dtype(dev, use(std::string_view(w.name).substr(prefix.size()), w.shape), w.dtype);
    total += dtype_bytes(d, numel(w.shape));
  }
  return total;
}

const Tensor* WeightSet::find(std::string_view name) const {
  auto it = w_.find(name);
  return it == w_.end() ? nullptr : &it->second;
}

FormatError WeightSet::error(std::string_view name, const std::string& what) const {
  return FormatError(where_, prefix_ + std::string(name) + ": " + what);
}

const Tensor& WeightSet::get(std::string_view name) const {
  if (const Tensor* t = find(name)) return *t;
  throw error(name, "missing weight");
}

const Tensor& WeightSet::get(std::string_view name, const Shape& expect) const {
  const Tensor& t = get(name);
  if (t.shape() != expect) throw error(name, "shape " + to_string(t.shape()) + ", expected " + to_string(expect));
  return t;
}

int WeightSet::count(std::string_view head) const {
  std::set<int> seen;
  for (auto it = w_.lower_bound(head); it != w_.end() && it->first.compare(0, head.size(), head) == 0; ++it) {
    const std::string& n = it->first;
    size_t i = head.size(), j = i;
    while (j < n.size() && std::isdigit(static_cast<unsigned char>(n[j]))) ++j;
    if (j > i && j < n.size() && n[j] == '.') seen.insert(std::stoi(n.substr(i, j - i)));
  }
  return static_cast<int>(seen.size());
}

int64_t metadata_int(const nlohmann::json& meta, const std::string& key, int64_t fallback, const std::string& where) {
  if (!meta.is_object() || !meta.contains(key)) return fallback;
  const auto& v = meta[key];
  int64_t n = -1;
  if (v.is_number_integer()) n = v.get<int64_t>();
  else if (v.is_string()) {
    const std::string s = v.get<std::string>();
    if (!s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos) n = std::stoll(s);
  }
  if (n <= 0) throw FormatError(where, "metadata " + key + " = " + v.dump() + " is not a positive integer");
  return n;
}

}  // namespace vkflow::models
