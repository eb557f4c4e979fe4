#pragma once
// A bounds-checked little-endian cursor over a byte span. Every read names what it reads so
// that a short or hostile file gives "file: <what>: ..." instead of an out-of-bounds access.
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"

namespace vkflow::formats {

class ByteReader {
 public:
  ByteReader(std::span<const uint8_t> bytes, std::string where, uint64_t base = 0)
      : b_(bytes), where_(std::move(where)), base_(base) {}

  uint64_t pos() const { return pos_; }
  uint64_t size() const { return b_.size(); }
  uint64_t remaining() const { return b_.size() - pos_; }
  // Absolute offset in the file when the span started at `base`.
  uint64_t file_pos() const { return base_ + pos_; }
  const std::string& where() const { return where_; }

  void need(uint64_t n, const char* what) const {
    if (n > remaining())
      throw FormatError(where_, std::string(what) + ": needs " + std::to_string(n) + " bytes at offset " +
                                    std::to_string(file_pos()) + " but only " + std::to_string(remaining()) +
                                    " remain (truncated?)");
  }
  void seek(uint64_t p, const char* what) {
    if (p > b_.size()) throw FormatError(where_, std::string(what) + ": offset " + std::to_string(p) + " is past the end");
    pos_ = p;
  }
  void skip(uint64_t n, const char* what) {
    need(n, what);
    pos_ += n;
  }
  template <class T>
  T get(const char* what) {
    need(sizeof(T), what);
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof(T));  // little-endian hosts only (x86-64, arm64)
    pos_ += sizeof(T);
    return v;
  }
  std::span<const uint8_t> bytes(uint64_t n, const char* what) {
    need(n, what);
    auto s = b_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  std::string_view str(uint64_t n, const char* what) {
    auto s = bytes(n, what);
    return {reinterpret_cast<const char*>(s.data()), s.size()};
  }
  [[noreturn]] void fail(const std::string& what) const { throw FormatError(where_, what); }

 private:
  std::span<const uint8_t> b_;
  std::string where_;
  uint64_t base_ = 0;
  uint64_t pos_ = 0;
};

}  // namespace vkflow::formats
