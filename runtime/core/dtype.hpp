#pragma once
// Element types, including GGUF block-quantized ones. Block formats store `block_elems`
// elements in `block_bytes` bytes; plain types have block_elems == 1.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace vkflow {

enum class DType : uint8_t {
  F32, F16, BF16, F8_E4M3, F8_E5M2, I8, U8, I16, I32, I64, BOOL,
  Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K,
  Count
};

struct DTypeInfo {
  std::string_view name;  // "f32", "q4_k", ...
  uint32_t block_elems;
  uint32_t block_bytes;
  bool quantized;   // a GGUF block format
  bool floating;    // f32/f16/bf16/f8
};

const DTypeInfo& dtype_info(DType t);
inline std::string_view dtype_name(DType t) { return dtype_info(t).name; }
// Bytes for n elements (n must be a multiple of block_elems for block formats).
size_t dtype_bytes(DType t, int64_t n);
// Parses "f32", "F16", "q4_K", "Q8_0", "bf16", ... (case-insensitive).
std::optional<DType> parse_dtype(std::string_view s);

}  // namespace vkflow
