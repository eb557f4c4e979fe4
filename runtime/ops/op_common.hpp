#pragma once
// Helpers shared by the op front-ends: argument checks with clear messages, output
// allocation on the input's device, and dispatch to that device's kernel.
#include <initializer_list>
#include <string>
#include <string_view>

#include "runtime/core/error.hpp"
#include "runtime/core/tensor.hpp"

namespace vkflow::ops {

// Rank limit of ops that carry per-dimension data in their params (permute, pad).
constexpr int kMaxRank = 8;

// Throws Error("<op>: <msg>") unless ok. A macro so that the message, often built from shapes,
// is only made on failure: front-end checks run for every op a decoder records.
#define VKFLOW_EXPECT(ok, op, msg)                    \
  do {                                                \
    if (!(ok)) ::vkflow::ops::fail_op((op), (msg));   \
  } while (0)
[[noreturn]] void fail_op(std::string_view op, const std::string& msg);
// Checks t is defined and has dtype d; `what` names the argument ("x", "weight").
void expect_dtype(const Tensor& t, DType d, std::string_view op, std::string_view what);
// f32, f16 or bf16.
void expect_float(const Tensor& t, std::string_view op, std::string_view what);
// Checks the rank; `layout` describes the expected layout for the message ("[N, C, H, W]").
void expect_rank(const Tensor& t, int rank, std::string_view op, std::string_view what,
                 std::string_view layout);
// Every defined tensor of `ts` is on the device of the first.
void expect_same_device(std::initializer_list<const Tensor*> ts, std::string_view op);

// Dispatches op `op` to the device of the first input. Inputs are positional; an optional
// input that is absent is passed as an undefined Tensor (its params flag says so).
void launch(std::string_view op, std::initializer_list<Tensor> inputs,
            std::initializer_list<Tensor> outputs, const void* params);
void launch(std::string_view op, std::span<const Tensor> inputs, std::span<Tensor> outputs,
            const void* params);

// A new contiguous tensor on x's device (NaN-filled while poisoning is on).
Tensor new_like(const Tensor& x, Shape shape, DType dtype = DType::F32);

// Tests turn this on so every op output starts as all-ones bytes (NaN for the float types,
// -1 for integers): an element a kernel forgets to write then shows up in comparisons.
void set_poison_outputs(bool on);
bool poison_outputs();

}  // namespace vkflow::ops
