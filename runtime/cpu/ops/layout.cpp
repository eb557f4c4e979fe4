// CPU kernels of the data-movement ops: concat, slice, permute (any non-block dtype, moved
// as bytes), pad and nearest upsample (f32).
#include <algorithm>
#include <cstring>
#include <vector>

#include "runtime/core/broadcast.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/ops/layout.hpp"

namespace vkflow::cpu {
namespace {

bool movable(DType t) { return !dtype_info(t).quantized; }
size_t elem_size(const Tensor& t) { return dtype_info(t.dtype()).block_bytes; }

int64_t prod(const Shape& s, int b, int e) {
  int64_t n = 1;
  for (int i = b; i < e; ++i) n *= s[i];
  return n;
}

void concat_kernel(const OpCall& c) {
  int a = params_of<ops::ConcatParams>(c).axis;
  const Tensor& y = c.outputs[0];
  size_t es = elem_size(y);
  int64_t outer = prod(y.shape(), 0, a);
  int64_t out_row = prod(y.shape(), a, y.rank()) * es;
  auto* dst = static_cast<uint8_t*>(y.host_data());
  // Chunks of at least ~64 KiB: a decoder's KV-cache append (8 heads of L x 64) is split
  // over threads once L grows, yet stays on the caller while it is small.
  parallel_for(outer, std::max<int64_t>(1, (int64_t(64) << 10) / std::max<int64_t>(out_row, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t o = lo; o < hi; ++o) {
      int64_t off = 0;
      for (const Tensor& t : c.inputs) {
        int64_t row = prod(t.shape(), a, t.rank()) * es;
        std::memcpy(dst + o * out_row + off, static_cast<const uint8_t*>(t.host_data()) + o * row, row);
        off += row;
      }
    }
  });
}

void slice_kernel(const OpCall& c) {
  const auto& p = params_of<ops::SliceParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  size_t es = elem_size(x);
  int64_t outer = prod(x.shape(), 0, p.axis), inner = prod(x.shape(), p.axis + 1, x.rank()) * es;
  int64_t n_in = x.shape()[p.axis], n_out = y.shape()[p.axis];
  const auto* src = static_cast<const uint8_t*>(x.host_data());
  auto* dst = static_cast<uint8_t*>(y.host_data());
  parallel_for(outer * n_out, std::max<int64_t>(1, 65536 / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      int64_t o = r / n_out, k = r % n_out;
      std::memcpy(dst + r * inner, src + (o * n_in + p.start + k * p.step) * inner, inner);
    }
  });
}

template <class T>
void permute_typed(const OpCall& c) {
  const auto& p = params_of<ops::PermuteParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  std::vector<int64_t> xs = contiguous_strides(x.shape()), st(p.rank);
  for (int i = 0; i < p.rank; ++i) st[i] = xs[p.perm[i]];
  const Shape& s = y.shape();
  const T* src = static_cast<const T*>(x.host_data());
  T* dst = static_cast<T*>(y.host_data());
  int64_t inner = p.rank ? s.back() : 1, rows = inner ? y.numel() / inner : 0, is = p.rank ? st.back() : 0;
  parallel_for(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      int64_t off = 0, rem = r;
      for (int d = p.rank - 2; d >= 0; --d) {
        off += (rem % s[d]) * st[d];
        rem /= s[d];
      }
      T* yr = dst + r * inner;
      for (int64_t j = 0; j < inner; ++j) yr[j] = src[off + j * is];
    }
  });
}

void permute_kernel(const OpCall& c) {
  switch (elem_size(c.inputs[0])) {
    case 1: return permute_typed<uint8_t>(c);
    case 2: return permute_typed<uint16_t>(c);
    case 4: return permute_typed<uint32_t>(c);
    default: return permute_typed<uint64_t>(c);
  }
}

// Source index of output index i along a padded dimension of size n; -1 = constant fill.
int64_t pad_source(int64_t i, int64_t before, int64_t n, int32_t mode) {
  int64_t s = i - before;
  if (s >= 0 && s < n) return s;
  if (mode == 0) return -1;
  if (mode == 2) return std::clamp<int64_t>(s, 0, n - 1);
  if (n == 1) return 0;
  int64_t period = 2 * (n - 1);  // reflect without repeating the edge
  s = ((s % period) + period) % period;
  return s < n ? s : period - s;
}

void pad_kernel(const OpCall& c) {
  const auto& p = params_of<ops::PadParams>(c);
  const Tensor &x = c.inputs[0], &y = c.outputs[0];
  const Shape &xs = x.shape(), &ys = y.shape();
  int r = p.rank;
  std::vector<int64_t> st = contiguous_strides(xs);
  const float* src = x.data<float>();
  float* dst = y.data<float>();
  int64_t inner = r ? ys.back() : 1, rows = inner ? y.numel() / inner : 0;
  std::vector<int64_t> col_src(inner);
  for (int64_t j = 0; j < inner; ++j) col_src[j] = r ? pad_source(j, p.before[r - 1], xs.back(), p.mode) : 0;
  parallel_for(rows, std::max<int64_t>(1, 16384 / std::max<int64_t>(inner, 1)), [&](int64_t lo, int64_t hi) {
    for (int64_t row = lo; row < hi; ++row) {
      int64_t off = 0, rem = row;
      bool fill = false;
      for (int d = r - 2; d >= 0; --d) {
        int64_t si = pad_source(rem % ys[d], p.before[d], xs[d], p.mode);
        rem /= ys[d];
        if (si < 0) fill = true;
        else off += si * st[d];
      }
      float* yr = dst + row * inner;
      if (fill) {
        std::fill(yr, yr + inner, p.value);
        continue;
      }
      for (int64_t j = 0; j < inner; ++j) yr[j] = col_src[j] < 0 ? p.value : src[off + col_src[j]];
    }
  });
}

void upsample_kernel(const OpCall& c) {
  const auto& p = params_of<ops::UpsampleParams>(c);
  const Tensor& x = c.inputs[0];
  int64_t H = x.rank() == 4 ? x.dim(2) : 1, W = x.dim(-1), OH = p.out_h, OW = p.out_w;
  int64_t planes = x.numel() / std::max<int64_t>(H * W, 1);
  const float* src = x.data<float>();
  float* dst = out_f32(c);
  std::vector<int64_t> cx(OW);
  for (int64_t j = 0; j < OW; ++j) cx[j] = std::min(W - 1, j * W / OW);
  parallel_for(planes * OH, std::max<int64_t>(1, 16384 / OW), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r) {
      int64_t pl = r / OH, oh = r % OH, ih = std::min(H - 1, oh * H / OH);
      const float* sr = src + (pl * H + ih) * W;
      float* dr = dst + r * OW;
      for (int64_t j = 0; j < OW; ++j) dr[j] = sr[cx[j]];
    }
  });
}

VKFLOW_CPU_KERNEL("concat", concat_kernel, movable);
VKFLOW_CPU_KERNEL("slice", slice_kernel, movable);
VKFLOW_CPU_KERNEL("permute", permute_kernel, movable);
VKFLOW_CPU_KERNEL("pad", pad_kernel, f32_only);
VKFLOW_CPU_KERNEL("upsample_nearest", upsample_kernel, f32_only);

}  // namespace
}  // namespace vkflow::cpu
