// Cache serializers for LATENT and CONDITIONING (host float32 tensors; model handles have no
// codec and stay in memory).
#include "nodes/model_values.hpp"
#include "nodes/value_codec.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::nodes {

uint64_t ConditioningValue::host_bytes() const {
  uint64_t n = 0;
  for (const auto& e : entries) n += e.cross_attn.bytes() + (e.pooled ? e.pooled->bytes() : 0);
  return n;
}

namespace {

constexpr uint32_t kMaxRank = 8, kMaxCount = 1u << 20;

void write_tensor(std::ostream& o, const HostTensor& t) {
  write_pod<uint32_t>(o, uint32_t(t.shape.size()));
  for (int64_t d : t.shape) write_pod<int64_t>(o, d);
  write_floats(o, t.data);
}

HostTensor read_tensor(std::istream& i) {
  HostTensor t;
  uint32_t rank = read_pod<uint32_t>(i);
  if (rank > kMaxRank) throw Error("serialized tensor has an impossible rank");
  for (uint32_t k = 0; k < rank; ++k) t.shape.push_back(read_pod<int64_t>(i));
  t.data = read_floats(i);
  for (int64_t d : t.shape)
    if (d < 0) throw Error("serialized tensor has a negative dimension");
  if (static_cast<int64_t>(t.data.size()) != numel(t.shape)) throw Error("serialized tensor has inconsistent dimensions");
  return t;
}

void write_optional(std::ostream& o, const std::optional<HostTensor>& t) {
  write_pod<uint8_t>(o, t ? 1 : 0);
  if (t) write_tensor(o, *t);
}

std::optional<HostTensor> read_optional(std::istream& i) {
  if (read_pod<uint8_t>(i) == 0) return std::nullopt;
  return read_tensor(i);
}

const CodecRegistrar latent_codec({std::string(graph::types::LATENT),
    [](const Object& obj, std::ostream& o) {
      const auto& l = static_cast<const LatentValue&>(obj);
      write_tensor(o, l.samples);
      write_optional(o, l.noise_mask);
      write_pod<uint8_t>(o, l.batch_index ? 1 : 0);
      if (l.batch_index) {
        write_pod<uint32_t>(o, uint32_t(l.batch_index->size()));
        for (int64_t b : *l.batch_index) write_pod<int64_t>(o, b);
      }
    },
    [](std::istream& i) -> std::shared_ptr<const Object> {
      auto l = std::make_shared<LatentValue>(read_tensor(i));
      l->noise_mask = read_optional(i);
      if (read_pod<uint8_t>(i)) {
        uint32_t n = read_pod<uint32_t>(i);
        if (n > kMaxCount) throw Error("serialized latent has an impossible batch index");
        l->batch_index.emplace();
        for (uint32_t k = 0; k < n; ++k) l->batch_index->push_back(read_pod<int64_t>(i));
      }
      return l;
    }});

const CodecRegistrar conditioning_codec({std::string(graph::types::CONDITIONING),
    [](const Object& obj, std::ostream& o) {
      const auto& c = static_cast<const ConditioningValue&>(obj);
      write_pod<uint32_t>(o, uint32_t(c.entries.size()));
      for (const auto& e : c.entries) {
        write_tensor(o, e.cross_attn);
        write_optional(o, e.pooled);
        write_pod<uint32_t>(o, uint32_t(e.extra.size()));
        for (const auto& [k, v] : e.extra) {
          write_string(o, k);
          write_pod<double>(o, v);
        }
      }
    },
    [](std::istream& i) -> std::shared_ptr<const Object> {
      uint32_t n = read_pod<uint32_t>(i);
      if (n > kMaxCount) throw Error("serialized conditioning has an impossible entry count");
      std::vector<ConditioningEntry> entries(n);
      for (auto& e : entries) {
        e.cross_attn = read_tensor(i);
        e.pooled = read_optional(i);
        uint32_t k = read_pod<uint32_t>(i);
        if (k > kMaxCount) throw Error("serialized conditioning has an impossible field count");
        for (uint32_t j = 0; j < k; ++j) {
          std::string name = read_string(i);
          e.extra[name] = read_pod<double>(i);
        }
      }
      return std::make_shared<const ConditioningValue>(std::move(entries));
    }});

}  // namespace
}  // namespace vkflow::nodes
