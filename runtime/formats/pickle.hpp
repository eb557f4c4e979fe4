#pragma once
// A restricted unpickler (protocols 0-5) for PyTorch checkpoints. It never executes
// anything: it rebuilds plain data (None, bools, ints, floats, str, bytes, list, tuple,
// dict, set), collections.OrderedDict, torch tensors/parameters over storages and a few
// data-only objects. Any other global (os.system, builtins.eval, subprocess.*, ...) is
// refused with an error naming it. Values live in an arena and refer to each other by
// index, so cycles and deep nesting cannot leak or overflow the stack on destruction.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "runtime/core/dtype.hpp"
#include "runtime/core/shape.hpp"

namespace vkflow::formats::pickle {

using Ref = uint32_t;

struct Value {
  enum Kind : uint8_t { None, Bool, Int, Float, Str, Bytes, List, Tuple, Dict, Set, Global, Storage, Tensor, Object };
  Kind kind = None;
  int64_t i = 0;        // Bool, Int; Storage: element count
  double f = 0;         // Float
  std::string s;        // Str, Bytes; Int wider than 64 bits: its bytes; Global: "module.name"; Storage: key; Object: class
  std::vector<Ref> items;  // List/Tuple/Set items; Dict: key, value, key, value...; Object: state
  // Storage: dtype, items[0] = its torch type. Tensor: items[0] = storage, shape/stride/offset.
  DType dtype = DType::F32;
  Shape shape, stride;
  int64_t storage_offset = 0;
  bool unsupported_dtype = false;  // Storage: e.g. DoubleStorage (no runtime DType)
};

struct Result {
  std::vector<Value> arena;
  Ref root = 0;
  const Value& operator[](Ref r) const { return arena[r]; }
};

// Parses one pickle from `bytes`; `where` names it in errors. Throws FormatError on any
// malformed input, unknown opcode or refused global. Stops at STOP; `consumed` (optional)
// receives the number of bytes read.
Result load(std::span<const uint8_t> bytes, const std::string& where, uint64_t* consumed = nullptr);

// Converts a value to JSON for metadata (tensors become "<tensor>"; depth/size limited).
nlohmann::json to_json(const Result& r, Ref v);

}  // namespace vkflow::formats::pickle
