#include "runtime/ops/cast.hpp"

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor cast(const Tensor& x, DType to) {
  constexpr std::string_view op = "cast";
  VKFLOW_EXPECT(x.defined(), op, "x is missing");
  DType from = x.dtype();
  bool ok = from == to || to == DType::F32 ||
            (from == DType::F32 && (to == DType::F16 || to == DType::BF16));
  VKFLOW_EXPECT(ok, op, "no conversion from " + std::string(dtype_name(from)) + " to " + std::string(dtype_name(to)));
  VKFLOW_EXPECT(x.numel() % dtype_info(from).block_elems == 0, op, "element count is not a multiple of the block size");
  Tensor y = new_like(x, x.shape(), to);
  CastParams p{to};
  launch(op, {x}, {y}, &p);
  return y;
}

Tensor copy(const Tensor& x) { return cast(x, x.defined() ? x.dtype() : DType::F32); }

}  // namespace vkflow::ops
