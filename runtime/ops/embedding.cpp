#include "runtime/ops/embedding.hpp"

#include <cmath>

#include "runtime/ops/op_common.hpp"

namespace vkflow::ops {

Tensor get_rows(const Tensor& table, const Tensor& ids) {
  constexpr std::string_view op = "get_rows";
  expect_rank(table, 2, op, "table", "[V, D]");
  const DTypeInfo& ti = dtype_info(table.dtype());
  VKFLOW_EXPECT(ti.floating || ti.quantized, op, "table dtype " + std::string(ti.name) + " is not a float or GGUF block type");
  VKFLOW_EXPECT(table.dim(1) % ti.block_elems == 0, op, "row length is not a multiple of the block size");
  VKFLOW_EXPECT(ids.defined() && (ids.dtype() == DType::I32 || ids.dtype() == DType::I64), op, "ids must be i32 or i64");
  expect_same_device({&table, &ids}, op);
  Shape s = ids.shape();
  s.push_back(table.dim(1));
  Tensor y = new_like(table, s);
  launch(op, {table, ids}, {y}, nullptr);
  return y;
}

Tensor rope(const Tensor& x, const Tensor& cos, const Tensor& sin, bool interleaved) {
  constexpr std::string_view op = "rope";
  expect_dtype(x, DType::F32, op, "x");
  expect_rank(x, 4, op, "x", "[B, H, L, D]");
  expect_dtype(cos, DType::F32, op, "cos");
  expect_dtype(sin, DType::F32, op, "sin");
  int64_t B = x.dim(0), L = x.dim(2), D = x.dim(3);
  VKFLOW_EXPECT(D % 2 == 0, op, "head dimension must be even, got " + std::to_string(D));
  VKFLOW_EXPECT(cos.shape() == sin.shape(), op, "cos and sin shapes differ");
  bool ok = (cos.rank() == 2 && cos.dim(0) == L && cos.dim(1) == D / 2) ||
            (cos.rank() == 3 && (cos.dim(0) == B || cos.dim(0) == 1) && cos.dim(1) == L && cos.dim(2) == D / 2);
  VKFLOW_EXPECT(ok, op, "cos/sin must be [L, D/2] or [B, L, D/2] = [" + std::to_string(L) + ", " + std::to_string(D / 2) +
                     "], got " + to_string(cos.shape()));
  expect_same_device({&x, &cos, &sin}, op);
  RopeParams p{interleaved ? 1 : 0};
  Tensor y = new_like(x, x.shape());
  launch(op, {x, cos, sin}, {y}, &p);
  return y;
}

std::pair<Tensor, Tensor> rope_cos_sin(Device& dev, const std::vector<float>& positions, int64_t L,
                                       const std::vector<int>& axes_dim, float theta) {
  int64_t axes = static_cast<int64_t>(axes_dim.size()), half = 0;
  for (int d : axes_dim) {
    VKFLOW_EXPECT(d > 0 && d % 2 == 0, "rope_cos_sin", "every axis dimension must be even and positive");
    half += d / 2;
  }
  VKFLOW_EXPECT(static_cast<int64_t>(positions.size()) == L * axes, "rope_cos_sin",
         "positions must hold L x n_axes = " + std::to_string(L * axes) + " values");
  std::vector<float> c(L * half), s(L * half);
  for (int64_t l = 0; l < L; ++l) {
    int64_t j = 0;
    for (int64_t a = 0; a < axes; ++a)
      for (int i = 0; i < axes_dim[a] / 2; ++i, ++j) {
        // float64 like BFL's rope(), then rounded to float32.
        double omega = 1.0 / std::pow(double(theta), 2.0 * i / axes_dim[a]);
        double ang = double(positions[l * axes + a]) * omega;
        c[l * half + j] = static_cast<float>(std::cos(ang));
        s[l * half + j] = static_cast<float>(std::sin(ang));
      }
  }
  return {Tensor::from_f32(dev, {L, half}, c), Tensor::from_f32(dev, {L, half}, s)};
}

Tensor timestep_embedding(const Tensor& t, TimestepEmbeddingParams p) {
  constexpr std::string_view op = "timestep_embedding";
  expect_dtype(t, DType::F32, op, "t");
  VKFLOW_EXPECT(t.rank() == 1, op, "t must be [N], got " + to_string(t.shape()));
  VKFLOW_EXPECT(p.dim >= 2, op, "dim must be >= 2");
  VKFLOW_EXPECT(p.dim / 2 - p.downscale_freq_shift != 0.0f, op, "dim/2 - downscale_freq_shift must not be 0");
  Tensor y = new_like(t, {t.dim(0), p.dim});
  launch(op, {t}, {y}, &p);
  return y;
}

}  // namespace vkflow::ops
