#pragma once
// The op parity harness: every case is defined once — op, inputs (shapes, dtypes, values),
// how to call the front-end, and a float64 reference — and runs on every test device.
#include <cstdint>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "runtime/core/tensor.hpp"

namespace vkflow::test {

// A host tensor in float64 for the references; row-major like device tensors.
struct HT {
  Shape shape;
  std::vector<double> v;
  HT() = default;
  explicit HT(Shape s) : shape(std::move(s)), v(static_cast<size_t>(vkflow::numel(shape)), 0.0) {}
  int64_t dim(int i) const { return shape[i < 0 ? i + shape.size() : i]; }
  int64_t numel() const { return static_cast<int64_t>(v.size()); }
};

// One input of a case: the values the device sees, exactly (already rounded to `dtype`, or
// dequantized from `raw` for block types). The reference reads `values`.
struct Input {
  Shape shape;
  DType dtype = DType::F32;
  std::vector<float> values;
  std::vector<uint8_t> raw;  // storage bytes for f16/bf16/block/integer types
};

struct OpCase {
  std::string name;              // "conv2d/groups2_stride2"
  std::string op;                // asked with Device::supports
  DType dtype = DType::F32;      // the dtype passed to supports (weight dtype for linear)
  std::vector<Input> inputs;
  // Calls the front-end on device tensors made from `inputs` (undefined = absent input).
  std::function<std::vector<Tensor>(const std::vector<Tensor>&)> run;
  std::function<std::vector<HT>(const std::vector<HT>&)> reference;
  // max |got - ref| <= tol * max(1, max |ref|) per output; 0 demands equality.
  double tol = 2e-5;
  // Optional extra check after the run (e.g. peak memory); gets the device.
  std::function<void(Device&)> after;
};

// Deterministic inputs.
using Rng = std::mt19937;
Rng rng_for(const std::string& case_name);
Input f32_input(Rng& r, Shape s, float lo = -1.0f, float hi = 1.0f);
Input from_values(Shape s, std::vector<float> v);
// Random values rounded to a float storage type (f32, f16, bf16).
Input float_input(Rng& r, Shape s, DType t, float lo = -1.0f, float hi = 1.0f);
// Random GGUF blocks with sane scales, rows of K elements.
Input quant_input(Rng& r, Shape s, DType t);
Input int_input(Rng& r, Shape s, DType t, int64_t lo, int64_t hi);
// An absent optional input (the case's run receives an undefined Tensor).
Input absent();

// Every case of every op family.
const std::vector<OpCase>& all_cases();
void add_matmul_conv_cases(std::vector<OpCase>& out);
void add_norm_attention_cases(std::vector<OpCase>& out);
void add_elementwise_cases(std::vector<OpCase>& out);
void add_layout_cases(std::vector<OpCase>& out);
void add_misc_cases(std::vector<OpCase>& out);

// Runs one case on one device and returns a failure description ("" = pass).
std::string run_case(const OpCase& c, Device& dev);

}  // namespace vkflow::test
