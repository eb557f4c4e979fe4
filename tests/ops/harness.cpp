#include "tests/ops/harness.hpp"

#include <cmath>
#include <cstring>
#include <sstream>

#include "runtime/core/convert.hpp"
#include "runtime/ops/op_common.hpp"

namespace vkflow::test {

Rng rng_for(const std::string& case_name) {
  uint32_t h = 2166136261u;
  for (unsigned char ch : case_name) h = (h ^ ch) * 16777619u;
  return Rng(h);
}

Input f32_input(Rng& r, Shape s, float lo, float hi) { return float_input(r, std::move(s), DType::F32, lo, hi); }

Input from_values(Shape s, std::vector<float> v) {
  Input in;
  in.shape = std::move(s);
  in.values = std::move(v);
  return in;
}

Input float_input(Rng& r, Shape s, DType t, float lo, float hi) {
  std::uniform_real_distribution<float> u(lo, hi);
  Input in;
  in.shape = std::move(s);
  in.dtype = t;
  int64_t n = numel(in.shape);
  in.values.resize(n);
  if (t != DType::F32) in.raw.resize(n * 2);
  for (int64_t i = 0; i < n; ++i) {
    float f = u(r);
    if (t == DType::F16) {
      uint16_t h = f32_to_f16(f);
      std::memcpy(&in.raw[i * 2], &h, 2);
      f = f16_to_f32(h);
    } else if (t == DType::BF16) {
      uint16_t h = f32_to_bf16(f);
      std::memcpy(&in.raw[i * 2], &h, 2);
      f = bf16_to_f32(h);
    }
    in.values[i] = f;
  }
  return in;
}

Input quant_input(Rng& r, Shape s, DType t) {
  // Byte offsets of the f16 scale fields inside one block of each format.
  std::vector<int> scales;
  switch (t) {
    case DType::Q4_0: case DType::Q5_0: case DType::Q8_0: scales = {0}; break;
    case DType::Q4_1: case DType::Q5_1: case DType::Q4_K: case DType::Q5_K: scales = {0, 2}; break;
    case DType::Q2_K: scales = {80, 82}; break;
    case DType::Q3_K: scales = {108}; break;
    case DType::Q6_K: scales = {208}; break;
    default: break;
  }
  Input in;
  in.shape = std::move(s);
  in.dtype = t;
  int64_t n = numel(in.shape);
  const DTypeInfo& info = dtype_info(t);
  in.raw.resize(dtype_bytes(t, n));
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> sc(0.002f, 0.03f);
  for (auto& b : in.raw) b = static_cast<uint8_t>(byte(r));
  for (int64_t blk = 0; blk < n / info.block_elems; ++blk)
    for (int off : scales) {
      uint16_t h = f32_to_f16(sc(r));
      std::memcpy(&in.raw[blk * info.block_bytes + off], &h, 2);
    }
  in.values.resize(n);
  convert_to_f32(t, in.raw.data(), in.values.data(), n);
  return in;
}

Input int_input(Rng& r, Shape s, DType t, int64_t lo, int64_t hi) {
  std::uniform_int_distribution<int64_t> u(lo, hi);
  Input in;
  in.shape = std::move(s);
  in.dtype = t;
  int64_t n = numel(in.shape);
  in.values.resize(n);
  in.raw.resize(n * dtype_info(t).block_bytes);
  for (int64_t i = 0; i < n; ++i) {
    int64_t v = u(r);
    in.values[i] = static_cast<float>(v);
    if (t == DType::I32) {
      int32_t w = static_cast<int32_t>(v);
      std::memcpy(&in.raw[i * 4], &w, 4);
    } else {
      std::memcpy(&in.raw[i * 8], &v, 8);
    }
  }
  return in;
}

Input absent() {
  Input in;
  in.dtype = DType::Count;  // marks "no tensor"
  return in;
}

const std::vector<OpCase>& all_cases() {
  static const std::vector<OpCase> cases = [] {
    std::vector<OpCase> v;
    add_matmul_conv_cases(v);
    add_norm_attention_cases(v);
    add_elementwise_cases(v);
    add_layout_cases(v);
    add_misc_cases(v);
    return v;
  }();
  return cases;
}

std::string run_case(const OpCase& c, Device& dev) {
  std::vector<Tensor> ins;
  std::vector<HT> refs_in;
  for (const Input& in : c.inputs) {
    if (in.dtype == DType::Count) {
      ins.emplace_back();
      refs_in.emplace_back();
      continue;
    }
    const void* bytes = in.dtype == DType::F32 ? static_cast<const void*>(in.values.data()) : in.raw.data();
    ins.push_back(Tensor::from_host(dev, in.dtype, in.shape, bytes));
    HT h(in.shape);
    for (size_t i = 0; i < in.values.size(); ++i) h.v[i] = in.values[i];
    refs_in.push_back(std::move(h));
  }
  ops::set_poison_outputs(true);
  std::vector<Tensor> outs;
  try {
    outs = c.run(ins);
    dev.synchronize();
  } catch (...) {
    ops::set_poison_outputs(false);
    throw;
  }
  ops::set_poison_outputs(false);
  if (c.after) c.after(dev);
  std::vector<HT> want = c.reference(refs_in);
  std::ostringstream err;
  if (want.size() != outs.size()) return "case returns " + std::to_string(outs.size()) + " outputs, reference " + std::to_string(want.size());
  for (size_t o = 0; o < outs.size(); ++o) {
    if (outs[o].shape() != want[o].shape) {
      err << "output " << o << " shape " << to_string(outs[o].shape()) << " != reference " << to_string(want[o].shape);
      return err.str();
    }
    std::vector<float> got = outs[o].to_f32();
    double scale = 1.0, worst = 0.0;
    int64_t worst_i = -1;
    for (double x : want[o].v)
      if (std::isfinite(x)) scale = std::max(scale, std::abs(x));
    for (size_t i = 0; i < got.size(); ++i) {
      double g = got[i], w = want[o].v[i];
      double d = (std::isnan(g) || std::isnan(w)) ? (std::isnan(g) && std::isnan(w) ? 0.0 : INFINITY)
                 : (g == w ? 0.0 : std::abs(g - w));
      if (!(d <= worst)) {
        worst = d;
        worst_i = static_cast<int64_t>(i);
      }
    }
    if (worst > c.tol * scale) {
      err << "output " << o << " element " << worst_i << ": got " << got[worst_i] << ", want "
          << want[o].v[worst_i] << " (|diff| " << worst << " > " << c.tol * scale << ")";
      return err.str();
    }
  }
  return "";
}

}  // namespace vkflow::test
