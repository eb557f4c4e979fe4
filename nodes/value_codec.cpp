#include "nodes/value_codec.hpp"

#include "runtime/core/error.hpp"

namespace vkflow::nodes {

namespace {
// One tag byte per Value alternative.
enum Tag : uint8_t { kNone = 0, kInt = 1, kFloat = 2, kBool = 3, kString = 4, kObject = 5 };
constexpr uint64_t kMaxElems = uint64_t(1) << 36;  // sanity bound against corrupt lengths
}  // namespace

CodecRegistry& CodecRegistry::instance() {
  static CodecRegistry r;
  return r;
}

void CodecRegistry::add(ValueCodec c) {
  if (find(c.type)) throw Error("value codec registered twice: " + c.type);
  codecs_.push_back(std::move(c));
}

const ValueCodec* CodecRegistry::find(std::string_view type) const {
  for (const auto& c : codecs_)
    if (c.type == type) return &c;
  return nullptr;
}

void throw_truncated() { throw Error("serialized value is truncated"); }

bool serializable(const Value& v) {
  if (auto* o = std::get_if<std::shared_ptr<const Object>>(&v))
    return *o && CodecRegistry::instance().find((*o)->type());
  return true;
}

void write_floats(std::ostream& o, const std::vector<float>& v) {
  write_pod<uint64_t>(o, v.size());
  o.write(reinterpret_cast<const char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
}

std::vector<float> read_floats(std::istream& i) {
  uint64_t n = read_pod<uint64_t>(i);
  if (n > kMaxElems) throw Error("serialized value has an impossible length");
  std::vector<float> v(n);
  if (!i.read(reinterpret_cast<char*>(v.data()), std::streamsize(n * sizeof(float)))) throw_truncated();
  return v;
}

void write_string(std::ostream& o, const std::string& s) {
  write_pod<uint64_t>(o, s.size());
  o.write(s.data(), std::streamsize(s.size()));
}

std::string read_string(std::istream& i) {
  uint64_t n = read_pod<uint64_t>(i);
  if (n > kMaxElems) throw Error("serialized value has an impossible length");
  std::string s(n, '\0');
  if (!i.read(s.data(), std::streamsize(n))) throw_truncated();
  return s;
}

void write_value(std::ostream& out, const Value& v) {
  std::visit([&](const auto& x) {
    using X = std::decay_t<decltype(x)>;
    if constexpr (std::is_same_v<X, std::monostate>) {
      write_pod<uint8_t>(out, kNone);
    } else if constexpr (std::is_same_v<X, int64_t>) {
      write_pod<uint8_t>(out, kInt);
      write_pod(out, x);
    } else if constexpr (std::is_same_v<X, double>) {
      write_pod<uint8_t>(out, kFloat);
      write_pod(out, x);
    } else if constexpr (std::is_same_v<X, bool>) {
      write_pod<uint8_t>(out, kBool);
      write_pod<uint8_t>(out, x ? 1 : 0);
    } else if constexpr (std::is_same_v<X, std::string>) {
      write_pod<uint8_t>(out, kString);
      write_string(out, x);
    } else {
      const ValueCodec* c = x ? CodecRegistry::instance().find(x->type()) : nullptr;
      if (!c) throw Unsupported("no serializer for values of type " + std::string(x ? x->type() : "null"));
      write_pod<uint8_t>(out, kObject);
      write_string(out, c->type);
      c->write(*x, out);
    }
  }, v);
}

Value read_value(std::istream& in) {
  switch (read_pod<uint8_t>(in)) {
    case kNone: return std::monostate{};
    case kInt: return read_pod<int64_t>(in);
    case kFloat: return read_pod<double>(in);
    case kBool: return read_pod<uint8_t>(in) != 0;
    case kString: return read_string(in);
    case kObject: {
      std::string type = read_string(in);
      const ValueCodec* c = CodecRegistry::instance().find(type);
      if (!c) throw Error("serialized value of unknown type " + type);
      return c->read(in);
    }
    default: throw Error("serialized value has an unknown tag");
  }
}

}  // namespace vkflow::nodes
