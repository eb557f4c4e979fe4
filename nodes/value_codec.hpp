#pragma once
// Byte serialization of run-time values, for the on-disk cache. Primitives are built in;
// each Object type registers a codec next to its definition (IMAGE, MASK and AUDIO in
// media_codecs.cpp; LATENT, CONDITIONING, ... in their own families). Values without a
// codec (model handles) are simply not cached on disk.
#include <functional>
#include <istream>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/value.hpp"

namespace vkflow::nodes {

struct ValueCodec {
  std::string type;  // Object::type()
  std::function<void(const Object&, std::ostream&)> write;
  std::function<std::shared_ptr<const Object>(std::istream&)> read;  // throws Error on bad bytes
};

class CodecRegistry {
 public:
  static CodecRegistry& instance();
  void add(ValueCodec c);
  const ValueCodec* find(std::string_view type) const;

 private:
  std::vector<ValueCodec> codecs_;
};

bool serializable(const Value& v);
void write_value(std::ostream& out, const Value& v);  // throws Unsupported without a codec
Value read_value(std::istream& in);                   // throws Error on corrupt input

// Little-endian POD helpers for codecs.
[[noreturn]] void throw_truncated();
template <class T>
void write_pod(std::ostream& o, const T& v) { o.write(reinterpret_cast<const char*>(&v), sizeof v); }
template <class T>
T read_pod(std::istream& i) {
  T v{};
  if (!i.read(reinterpret_cast<char*>(&v), sizeof v)) throw_truncated();
  return v;
}
void write_floats(std::ostream& o, const std::vector<float>& v);
std::vector<float> read_floats(std::istream& i);
void write_string(std::ostream& o, const std::string& s);
std::string read_string(std::istream& i);

struct CodecRegistrar {
  explicit CodecRegistrar(ValueCodec c) { CodecRegistry::instance().add(std::move(c)); }
};

}  // namespace vkflow::nodes
