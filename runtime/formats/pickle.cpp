#include "runtime/formats/pickle.hpp"

#include <charconv>
#include <cmath>
#include <unordered_map>

#include "runtime/core/error.hpp"
#include "runtime/formats/byte_reader.hpp"

namespace vkflow::formats::pickle {
namespace {

constexpr size_t kMaxStack = 1u << 20;

// Globals a checkpoint may name. Everything here is rebuilt as data; nothing is called.
const char* const kAllowed[] = {
    "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor",
    "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state",
    "torch._tensor._rebuild_from_type_v2", "torch.Tensor", "torch.nn.parameter.Parameter",
    "torch.FloatStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.DoubleStorage", "torch.LongStorage",
    "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage",
    "torch.Float8_e4m3fnStorage", "torch.Float8_e5m2Storage",
    "_codecs.encode", "builtins.set", "builtins.frozenset", "builtins.bytearray",
    // Data-only objects found in fairseq/RVC training checkpoints' non-weight entries.
    "argparse.Namespace", "numpy.core.multiarray.scalar", "numpy._core.multiarray.scalar", "numpy.dtype",
};

struct StorageType { const char* name; DType dtype; bool supported; };
const StorageType kStorages[] = {
    {"torch.FloatStorage", DType::F32, true},   {"torch.HalfStorage", DType::F16, true},
    {"torch.BFloat16Storage", DType::BF16, true}, {"torch.LongStorage", DType::I64, true},
    {"torch.IntStorage", DType::I32, true},     {"torch.ShortStorage", DType::I16, true},
    {"torch.CharStorage", DType::I8, true},     {"torch.ByteStorage", DType::U8, true},
    {"torch.BoolStorage", DType::BOOL, true},   {"torch.Float8_e4m3fnStorage", DType::F8_E4M3, true},
    {"torch.Float8_e5m2Storage", DType::F8_E5M2, true}, {"torch.DoubleStorage", DType::F32, false},
};

class Unpickler {
 public:
  Unpickler(std::span<const uint8_t> b, const std::string& where) : r_(b, where), where_(where) {}

  Result run(uint64_t* consumed) {
    for (;;) {
      uint8_t op = r_.get<uint8_t>("opcode");
      if (op == '.') break;
      step(op);
      if (stack_.size() > kMaxStack) fail("stack grows past " + std::to_string(kMaxStack) + " entries");
    }
    if (stack_.size() != 1) fail("STOP with " + std::to_string(stack_.size()) + " values on the stack");
    if (consumed) *consumed = r_.pos();
    res_.root = stack_.back();
    return std::move(res_);
  }

 private:
  [[noreturn]] void fail(const std::string& m) const {
    throw FormatError(where_, "pickle: " + m + " (at byte " + std::to_string(r_.pos()) + ")");
  }
  Ref make(Value v) {
    res_.arena.push_back(std::move(v));
    return static_cast<Ref>(res_.arena.size() - 1);
  }
  Ref make(Value::Kind k) { Value v; v.kind = k; return make(std::move(v)); }
  Value& at(Ref r) { return res_.arena[r]; }
  Ref pop() {
    if (stack_.empty() || (!marks_.empty() && stack_.size() <= marks_.back())) fail("stack underflow");
    Ref v = stack_.back();
    stack_.pop_back();
    return v;
  }
  Ref& top() {
    if (stack_.empty()) fail("stack underflow");
    return stack_.back();
  }
  std::vector<Ref> pop_mark() {
    if (marks_.empty()) fail("no MARK on the stack");
    size_t m = marks_.back();
    marks_.pop_back();
    std::vector<Ref> v(stack_.begin() + m, stack_.end());
    stack_.resize(m);
    return v;
  }
  std::string_view line(const char* what) {  // protocol-0 argument ending in '\n'
    uint64_t start = r_.pos(), n = 0;
    auto rest = r_.bytes(r_.remaining(), what);
    while (n < rest.size() && rest[n] != '\n') ++n;
    r_.seek(start, what);
    if (n == rest.size()) fail(std::string(what) + ": unterminated line");
    auto s = r_.str(n, what);
    r_.skip(1, what);
    return s;
  }
  int64_t parse_int(std::string_view s, const char* what) {
    if (!s.empty() && s.back() == 'L') s.remove_suffix(1);
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) fail(std::string(what) + ": bad integer '" + std::string(s) + "'");
    return v;
  }
  Ref make_int(int64_t v) { Value x; x.kind = Value::Int; x.i = v; return make(std::move(x)); }
  Ref make_str(Value::Kind k, std::string_view s) { Value x; x.kind = k; x.s = std::string(s); return make(std::move(x)); }
  Ref make_seq(Value::Kind k, std::vector<Ref> items) { Value x; x.kind = k; x.items = std::move(items); return make(std::move(x)); }
  void put_memo(uint64_t k) {
    if (memo_.size() > kMaxStack && !memo_.count(k)) fail("memo grows too large");
    memo_[k] = top();
  }
  Ref get_memo(uint64_t k) {
    auto it = memo_.find(k);
    if (it == memo_.end()) fail("memo key " + std::to_string(k) + " was never stored");
    return it->second;
  }
  Ref global(std::string module, std::string name) {
    if (module == "__builtin__") module = "builtins";
    std::string full = module + "." + name;
    for (const char* a : kAllowed)
      if (full == a) return make_str(Value::Global, full);
    fail("refusing global '" + full + "': only tensors, storages and plain data may be loaded (nothing is executed)");
  }
  void append_to(Ref list, const std::vector<Ref>& items) {
    Value& l = at(list);
    if (l.kind != Value::List && l.kind != Value::Set) fail("APPEND to a value that is not a list");
    l.items.insert(l.items.end(), items.begin(), items.end());
  }
  void set_items(Ref dict, const std::vector<Ref>& kv) {
    if (kv.size() % 2) fail("SETITEMS with an odd number of values");
    Value& d = at(dict);
    if (d.kind != Value::Dict) fail("SETITEM on a value that is not a dict");
    d.items.insert(d.items.end(), kv.begin(), kv.end());
  }
  int64_t as_int(Ref r, const char* what) {
    if (at(r).kind != Value::Int && at(r).kind != Value::Bool) fail(std::string(what) + " is not an integer");
    return at(r).i;
  }
  Shape int_tuple(Ref r, const char* what) {
    if (at(r).kind != Value::Tuple && at(r).kind != Value::List) fail(std::string(what) + " is not a tuple");
    Shape s;
    for (Ref x : at(r).items) s.push_back(as_int(x, what));
    return s;
  }
  const std::vector<Ref>& args_of(Ref r, size_t min, const std::string& fn) {
    if (at(r).kind != Value::Tuple) fail(fn + ": arguments are not a tuple");
    if (at(r).items.size() < min) fail(fn + ": expects at least " + std::to_string(min) + " arguments");
    return at(r).items;
  }
  std::string latin1(const std::string& utf8) {  // _codecs.encode(s, "latin1")
    std::string out;
    for (size_t i = 0; i < utf8.size(); ++i) {
      unsigned char c = utf8[i];
      if (c < 0x80) out += static_cast<char>(c);
      else if ((c & 0xe0) == 0xc0 && i + 1 < utf8.size()) out += static_cast<char>(((c & 0x1f) << 6) | (utf8[++i] & 0x3f));
      else fail("_codecs.encode: character outside latin-1");
    }
    return out;
  }

  // REDUCE/NEWOBJ of an allowed global, rebuilt as data.
  Ref call(Ref fn, Ref args, int depth = 0) {
    if (at(fn).kind != Value::Global) fail("call of a value that is not an allowed global");
    const std::string name = at(fn).s;
    if (name == "collections.OrderedDict") {
      Ref d = make(Value::Dict);
      auto& a = args_of(args, 0, name);
      if (!a.empty()) {
        Value src = at(a[0]);
        if (src.kind != Value::List) fail("OrderedDict: argument is not a list of pairs");
        for (Ref p : src.items) {
          if (at(p).kind != Value::Tuple || at(p).items.size() != 2) fail("OrderedDict: item is not a pair");
          Ref k = at(p).items[0], v = at(p).items[1];
          at(d).items.push_back(k);
          at(d).items.push_back(v);
        }
      }
      return d;
    }
    if (name == "torch._utils._rebuild_tensor_v2" || name == "torch._utils._rebuild_tensor") {
      auto a = args_of(args, 4, name);
      if (at(a[0]).kind != Value::Storage) fail(name + ": first argument is not a storage");
      Value t;
      t.kind = Value::Tensor;
      t.items = {a[0]};
      t.dtype = at(a[0]).dtype;
      t.storage_offset = as_int(a[1], "storage offset");
      t.shape = int_tuple(a[2], "tensor size");
      t.stride = int_tuple(a[3], "tensor stride");
      if (t.shape.size() != t.stride.size() || t.shape.size() > 8) fail(name + ": size and stride disagree");
      return make(std::move(t));
    }
    if (name == "torch._utils._rebuild_parameter" || name == "torch._utils._rebuild_parameter_with_state") {
      auto& a = args_of(args, 1, name);
      if (at(a[0]).kind != Value::Tensor) fail(name + ": data is not a tensor");
      return a[0];
    }
    if (name == "torch._tensor._rebuild_from_type_v2") {
      auto a = args_of(args, 3, name);
      if (depth > 2) fail(name + ": nested too deeply");
      return call(a[0], a[2], depth + 1);
    }
    if (name == "_codecs.encode") {
      auto& a = args_of(args, 1, name);
      if (at(a[0]).kind != Value::Str) fail(name + ": argument is not a string");
      return make_str(Value::Bytes, latin1(at(a[0]).s));
    }
    if (name == "builtins.set" || name == "builtins.frozenset") {
      auto& a = args_of(args, 0, name);
      std::vector<Ref> items;
      if (!a.empty()) items = at(a[0]).items;
      return make_seq(Value::Set, items);
    }
    if (name == "builtins.bytearray") {
      auto& a = args_of(args, 0, name);
      return make_str(Value::Bytes, a.empty() ? std::string() : at(a[0]).s);
    }
    if (name == "argparse.Namespace" || name.starts_with("numpy.")) {
      Value o;
      o.kind = Value::Object;
      o.s = name;
      o.items = at(args).items;
      return make(std::move(o));
    }
    fail("'" + name + "' cannot be called");
  }

  Ref persistent(Ref pid) {
    const Value& t = at(pid);
    if (t.kind != Value::Tuple || t.items.size() < 5) fail("persistent id is not a storage tuple");
    if (at(t.items[0]).kind != Value::Str || at(t.items[0]).s != "storage") fail("persistent id is not a 'storage'");
    Ref type = t.items[1];
    if (at(type).kind != Value::Global) fail("storage type is not a torch storage class");
    Value s;
    s.kind = Value::Storage;
    bool found = false;
    for (auto& st : kStorages)
      if (at(type).s == st.name) {
        s.dtype = st.dtype;
        found = true;
        s.unsupported_dtype = !st.supported;
      }
    if (!found) fail("'" + at(type).s + "' is not a storage type");
    Ref key = t.items[2];
    if (at(key).kind != Value::Str) fail("storage key is not a string");
    s.s = at(key).s;
    s.i = as_int(t.items[4], "storage size");
    if (s.i < 0) fail("negative storage size");
    s.items = {type};
    return make(std::move(s));
  }

  void step(uint8_t op);

  ByteReader r_;
  std::string where_;
  Result res_;
  std::vector<Ref> stack_;
  std::vector<size_t> marks_;
  std::unordered_map<uint64_t, Ref> memo_;
};

void Unpickler::step(uint8_t op) {
  switch (op) {
    case 0x80: {  // PROTO
      uint8_t p = r_.get<uint8_t>("protocol");
      if (p > 5) fail("protocol " + std::to_string(p) + " is not supported");
      return;
    }
    case 0x95: r_.skip(8, "frame length"); return;  // FRAME: framing is advisory
    case '(': marks_.push_back(stack_.size()); return;
    case '0': pop(); return;
    case '1': pop_mark(); return;
    case '2': stack_.push_back(top()); return;
    case 'N': stack_.push_back(make(Value::None)); return;
    case 0x88: case 0x89: { Value v; v.kind = Value::Bool; v.i = op == 0x88; stack_.push_back(make(std::move(v))); return; }
    case 'I': {
      auto s = line("INT");
      if (s == "01" || s == "00") { Value v; v.kind = Value::Bool; v.i = s == "01"; stack_.push_back(make(std::move(v))); return; }
      stack_.push_back(make_int(parse_int(s, "INT")));
      return;
    }
    case 'L': stack_.push_back(make_int(parse_int(line("LONG"), "LONG"))); return;
    case 'J': stack_.push_back(make_int(r_.get<int32_t>("BININT"))); return;
    case 'K': stack_.push_back(make_int(r_.get<uint8_t>("BININT1"))); return;
    case 'M': stack_.push_back(make_int(r_.get<uint16_t>("BININT2"))); return;
    case 0x8a: case 0x8b: {  // LONG1 / LONG4: little-endian two's complement
      uint64_t n = op == 0x8a ? r_.get<uint8_t>("LONG1") : r_.get<uint32_t>("LONG4");
      auto b = r_.bytes(n, "LONG bytes");
      if (n > 8) {  // wider than 64 bits (e.g. torch's legacy magic number): kept as raw bytes
        Value v; v.kind = Value::Int; v.s.assign(reinterpret_cast<const char*>(b.data()), b.size());
        stack_.push_back(make(std::move(v)));
        return;
      }
      uint64_t u = 0;
      for (uint64_t i = 0; i < n; ++i) u |= uint64_t(b[i]) << (8 * i);
      if (n > 0 && n < 8 && (b[n - 1] & 0x80)) u |= ~uint64_t(0) << (8 * n);
      stack_.push_back(make_int(static_cast<int64_t>(u)));
      return;
    }
    case 'F': {
      auto s = std::string(line("FLOAT"));
      Value v; v.kind = Value::Float;
      char* end = nullptr;
      v.f = std::strtod(s.c_str(), &end);
      if (end != s.c_str() + s.size()) fail("FLOAT: bad value '" + s + "'");
      stack_.push_back(make(std::move(v)));
      return;
    }
    case 'G': {
      auto b = r_.bytes(8, "BINFLOAT");
      uint64_t u = 0;
      for (int i = 0; i < 8; ++i) u = (u << 8) | b[i];  // big-endian
      Value v; v.kind = Value::Float;
      std::memcpy(&v.f, &u, 8);
      stack_.push_back(make(std::move(v)));
      return;
    }
    case 'S': case 'V': {  // protocol-0 strings, kept as text (quotes stripped for S)
      auto s = line("STRING");
      if (op == 'S' && s.size() >= 2 && (s.front() == '\'' || s.front() == '"')) s = s.substr(1, s.size() - 2);
      stack_.push_back(make_str(Value::Str, s));
      return;
    }
    case 'T': stack_.push_back(make_str(Value::Str, r_.str(r_.get<uint32_t>("BINSTRING"), "BINSTRING"))); return;
    case 'U': stack_.push_back(make_str(Value::Str, r_.str(r_.get<uint8_t>("SHORT_BINSTRING"), "SHORT_BINSTRING"))); return;
    case 'X': stack_.push_back(make_str(Value::Str, r_.str(r_.get<uint32_t>("BINUNICODE"), "BINUNICODE"))); return;
    case 0x8c: stack_.push_back(make_str(Value::Str, r_.str(r_.get<uint8_t>("SHORT_BINUNICODE"), "SHORT_BINUNICODE"))); return;
    case 0x8d: stack_.push_back(make_str(Value::Str, r_.str(r_.get<uint64_t>("BINUNICODE8"), "BINUNICODE8"))); return;
    case 'B': stack_.push_back(make_str(Value::Bytes, r_.str(r_.get<uint32_t>("BINBYTES"), "BINBYTES"))); return;
    case 'C': stack_.push_back(make_str(Value::Bytes, r_.str(r_.get<uint8_t>("SHORT_BINBYTES"), "SHORT_BINBYTES"))); return;
    case 0x8e: case 0x96: stack_.push_back(make_str(Value::Bytes, r_.str(r_.get<uint64_t>("BINBYTES8"), "BINBYTES8"))); return;
    case ']': stack_.push_back(make(Value::List)); return;
    case ')': stack_.push_back(make(Value::Tuple)); return;
    case '}': stack_.push_back(make(Value::Dict)); return;
    case 0x8f: stack_.push_back(make(Value::Set)); return;
    case 'l': stack_.push_back(make_seq(Value::List, pop_mark())); return;
    case 't': stack_.push_back(make_seq(Value::Tuple, pop_mark())); return;
    case 0x91: stack_.push_back(make_seq(Value::Set, pop_mark())); return;
    case 0x85: case 0x86: case 0x87: {
      size_t n = op - 0x84;
      std::vector<Ref> items(n);
      for (size_t i = n; i-- > 0;) items[i] = pop();
      stack_.push_back(make_seq(Value::Tuple, std::move(items)));
      return;
    }
    case 'd': {
      auto kv = pop_mark();
      Ref d = make(Value::Dict);
      set_items(d, kv);
      stack_.push_back(d);
      return;
    }
    case 'a': { Ref v = pop(); append_to(top(), {v}); return; }
    case 'e': case 0x90: { auto items = pop_mark(); append_to(top(), items); return; }
    case 's': { Ref v = pop(), k = pop(); set_items(top(), {k, v}); return; }
    case 'u': { auto kv = pop_mark(); set_items(top(), kv); return; }
    case 'p': put_memo(static_cast<uint64_t>(parse_int(line("PUT"), "PUT"))); return;
    case 'q': put_memo(r_.get<uint8_t>("BINPUT")); return;
    case 'r': put_memo(r_.get<uint32_t>("LONG_BINPUT")); return;
    case 0x94: put_memo(memo_.size()); return;
    case 'g': stack_.push_back(get_memo(static_cast<uint64_t>(parse_int(line("GET"), "GET")))); return;
    case 'h': stack_.push_back(get_memo(r_.get<uint8_t>("BINGET"))); return;
    case 'j': stack_.push_back(get_memo(r_.get<uint32_t>("LONG_BINGET"))); return;
    case 'c': {
      std::string module(line("GLOBAL module")), name(line("GLOBAL name"));
      stack_.push_back(global(module, name));
      return;
    }
    case 0x93: {
      Ref name = pop(), module = pop();
      if (at(name).kind != Value::Str || at(module).kind != Value::Str) fail("STACK_GLOBAL needs two strings");
      stack_.push_back(global(at(module).s, at(name).s));
      return;
    }
    case 'R': case 0x81: { Ref args = pop(), fn = pop(); stack_.push_back(call(fn, args)); return; }
    case 0x92: { pop(); Ref args = pop(), fn = pop(); stack_.push_back(call(fn, args)); return; }  // NEWOBJ_EX: kwargs dropped
    case 'b': {
      Ref state = pop();
      Value& o = at(top());
      if (o.kind == Value::Object) o.items.push_back(state);  // dicts/tensors: attributes are not needed
      return;
    }
    case 'Q': { Ref pid = pop(); stack_.push_back(persistent(pid)); return; }
    case 'P': fail("text persistent ids (PERSID) are not used by torch.save");
    case 'i': case 'o': fail("INST/OBJ opcodes would construct arbitrary classes; refused");
    case 0x82: case 0x83: case 0x84: fail("extension registry opcodes (EXT1/2/4) are refused");
    case 0x97: case 0x98: fail("out-of-band buffers are not supported");
  }
  fail("unknown opcode 0x" + [op] { char b[3]; std::snprintf(b, 3, "%02x", op); return std::string(b); }());
}

}  // namespace

Result load(std::span<const uint8_t> bytes, const std::string& where, uint64_t* consumed) {
  Unpickler u(bytes, where);
  return u.run(consumed);
}

nlohmann::json to_json(const Result& r, Ref v) {
  struct Conv {
    const Result& r;
    int budget = 10000;
    nlohmann::json go(Ref x, int depth) {
      if (--budget < 0 || depth > 16) return "...";
      const Value& val = r[x];
      switch (val.kind) {
        case Value::None: return nullptr;
        case Value::Bool: return val.i != 0;
        case Value::Int: return val.i;
        case Value::Float: return std::isfinite(val.f) ? nlohmann::json(val.f) : nlohmann::json(std::to_string(val.f));
        case Value::Str: return val.s;
        case Value::Bytes: return "<" + std::to_string(val.s.size()) + " bytes>";
        case Value::Global: return "<" + val.s + ">";
        case Value::Storage: return "<storage>";
        case Value::Tensor: return "<tensor " + to_string(val.shape) + ">";
        case Value::Object: return "<" + val.s + ">";
        case Value::Dict: {
          nlohmann::json o = nlohmann::json::object();
          for (size_t i = 0; i + 1 < val.items.size(); i += 2) {
            const Value& k = r[val.items[i]];
            std::string key = k.kind == Value::Str ? k.s : k.kind == Value::Int ? std::to_string(k.i) : "<key>";
            o[key] = go(val.items[i + 1], depth + 1);
          }
          return o;
        }
        default: {
          nlohmann::json a = nlohmann::json::array();
          for (Ref i : val.items) a.push_back(go(i, depth + 1));
          return a;
        }
      }
    }
  } c{r};
  return c.go(v, 0);
}

}  // namespace vkflow::formats::pickle
