#include "runtime/core/dtype.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace vkflow {
namespace {
constexpr DTypeInfo kInfo[] = {
    {"f32", 1, 4, false, true},     {"f16", 1, 2, false, true},
    {"bf16", 1, 2, false, true},    {"f8_e4m3", 1, 1, false, true},
    {"f8_e5m2", 1, 1, false, true}, {"i8", 1, 1, false, false},
    {"u8", 1, 1, false, false},     {"i16", 1, 2, false, false},
    {"i32", 1, 4, false, false},    {"i64", 1, 8, false, false},
    {"bool", 1, 1, false, false},
    {"q4_0", 32, 18, true, false},  {"q4_1", 32, 20, true, false},
    {"q5_0", 32, 22, true, false},  {"q5_1", 32, 24, true, false},
    {"q8_0", 32, 34, true, false},  {"q2_k", 256, 84, true, false},
    {"q3_k", 256, 110, true, false}, {"q4_k", 256, 144, true, false},
    {"q5_k", 256, 176, true, false}, {"q6_k", 256, 210, true, false},
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == static_cast<size_t>(DType::Count));
}  // namespace

const DTypeInfo& dtype_info(DType t) { return kInfo[static_cast<size_t>(t)]; }

size_t dtype_bytes(DType t, int64_t n) {
  const DTypeInfo& i = dtype_info(t);
  return static_cast<size_t>((n + i.block_elems - 1) / i.block_elems) * i.block_bytes;
}

std::optional<DType> parse_dtype(std::string_view s) {
  std::string low(s);
  std::transform(low.begin(), low.end(), low.begin(), [](unsigned char c) { return std::tolower(c); });
  for (size_t i = 0; i < static_cast<size_t>(DType::Count); ++i)
    if (kInfo[i].name == low) return static_cast<DType>(i);
  return std::nullopt;
}

}  // namespace vkflow
