// Front-ends reject bad shapes and dtypes with errors that name the op and the argument.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/ops/binary.hpp"
#include "runtime/ops/cast.hpp"
#include "runtime/ops/conv.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/layout.hpp"
#include "runtime/ops/matmul.hpp"
#include "runtime/ops/norm.hpp"

using namespace vkflow;
using ::testing::HasSubstr;

namespace {
Tensor zeros(Shape s, DType t = DType::F32) {
  Tensor x = Tensor::empty(cpu::device(), t, s);
  std::vector<uint8_t> z(x.nbytes(), 0);
  x.copy_from_host(z.data(), z.size());
  return x;
}

template <class F>
std::string error_of(F f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}
}  // namespace

TEST(OpValidation, MessagesNameOpAndArgument) {
  EXPECT_THAT(error_of([] { ops::linear(zeros({2, 8}), zeros({4, 9})); }), HasSubstr("linear: weight [4, 9] does not match x [2, 8]"));
  EXPECT_THAT(error_of([] { ops::linear(zeros({2, 40}), zeros({4, 40}, DType::Q4_0)); }), HasSubstr("not a multiple of the q4_0 block size"));
  EXPECT_THAT(error_of([] { ops::conv2d(zeros({1, 3, 8, 8}), zeros({4, 2, 3, 3})); }), HasSubstr("conv2d: weight [4, 2, 3, 3] expects 2 input channels"));
  EXPECT_THAT(error_of([] { ops::conv2d(zeros({1, 3, 2, 2}), zeros({4, 3, 3, 3})); }), HasSubstr("too small"));
  EXPECT_THAT(error_of([] { ops::add(zeros({2, 3}), zeros({4})); }), HasSubstr("add: shapes [2, 3] and [4] do not broadcast"));
  EXPECT_THAT(error_of([] { ops::group_norm(zeros({1, 6, 4}), 4); }), HasSubstr("not divisible into 4 groups"));
  EXPECT_THAT(error_of([] { ops::attention(zeros({1, 2, 5, 8}), zeros({1, 2, 6, 4}), zeros({1, 2, 6, 8})); }), HasSubstr("attention: k"));
  EXPECT_THAT(error_of([] { ops::pad(zeros({1, 4}), {4, 0}, ops::PadMode::Reflect); }), HasSubstr("reflect padding"));
  EXPECT_THAT(error_of([] { ops::permute(zeros({2, 3}), {0, 0}); }), HasSubstr("appears twice"));
  EXPECT_THAT(error_of([] { ops::cast(zeros({4}, DType::F16), DType::BF16); }), HasSubstr("no conversion from f16 to bf16"));
  EXPECT_THAT(error_of([] { ops::layer_norm(zeros({2, 5}, DType::F16)); }), HasSubstr("layer_norm: x must be f32, got f16"));
}

TEST(OpValidation, GetRowsRejectsOutOfRangeIds) {
  std::vector<int32_t> ids{0, 7};
  Tensor t = Tensor::from_host(cpu::device(), DType::I32, {2}, ids.data());
  EXPECT_THAT(error_of([&] { ops::get_rows(zeros({5, 4}), t); }), HasSubstr("id 7 at position 1 is outside the table of 5 rows"));
}
