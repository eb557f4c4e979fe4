// Parity cases of get_rows, rope, timestep_embedding, cumsum, argmax, topk, avg_pool, gru
// and cast.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "runtime/core/convert.hpp"
#include "runtime/ops/cast.hpp"
#include "runtime/ops/embedding.hpp"
#include "runtime/ops/gru.hpp"
#include "runtime/ops/pool.hpp"
#include "runtime/ops/reduce.hpp"
#include "tests/ops/harness.hpp"

namespace vkflow::test {
namespace {

OpCase make(const std::string& name, const std::string& op, std::vector<Input> in, double tol = 2e-6) {
  OpCase c;
  c.name = name;
  c.op = op;
  c.inputs = std::move(in);
  c.tol = tol;
  return c;
}

void add_get_rows(std::vector<OpCase>& out, const std::string& tag, DType t, DType id_t) {
  Rng r = rng_for("get_rows/" + tag);
  Input table = dtype_info(t).quantized ? quant_input(r, {23, 256}, t) : float_input(r, {23, 40}, t);
  OpCase c = make("get_rows/" + tag, "get_rows", {table, int_input(r, {3, 5}, id_t, 0, 22)}, 0);
  c.dtype = t;
  c.run = [](const std::vector<Tensor>& x) { return std::vector<Tensor>{ops::get_rows(x[0], x[1])}; };
  c.reference = [](const std::vector<HT>& h) {
    int64_t D = h[0].dim(1);
    Shape s = h[1].shape;
    s.push_back(D);
    HT y(s);
    for (int64_t i = 0; i < h[1].numel(); ++i)
      for (int64_t d = 0; d < D; ++d) y.v[i * D + d] = h[0].v[static_cast<int64_t>(h[1].v[i]) * D + d];
    return std::vector<HT>{y};
  };
  out.push_back(std::move(c));
}

void add_rope(std::vector<OpCase>& out, const std::string& tag, bool interleaved, bool per_batch) {
  Rng r = rng_for("rope/" + tag);
  int64_t B = 2, H = 3, L = 11, D = 12;
  Shape cs = per_batch ? Shape{B, L, D / 2} : Shape{L, D / 2};
  Input ang = f32_input(r, cs, -3.2f, 3.2f), co = ang, si = ang;
  for (size_t i = 0; i < ang.values.size(); ++i) {
    co.values[i] = std::cos(ang.values[i]);
    si.values[i] = std::sin(ang.values[i]);
  }
  OpCase c = make("rope/" + tag, "rope", {f32_input(r, {B, H, L, D}), co, si});
  c.run = [interleaved](const std::vector<Tensor>& x) { return std::vector<Tensor>{ops::rope(x[0], x[1], x[2], interleaved)}; };
  c.reference = [=](const std::vector<HT>& h) {
    HT y(h[0].shape);
    int64_t half = D / 2;
    for (int64_t b = 0; b < B; ++b)
      for (int64_t hh = 0; hh < H; ++hh)
        for (int64_t l = 0; l < L; ++l) {
          int64_t row = ((b * H + hh) * L + l) * D, crow = ((per_batch ? b : 0) * L + l) * half;
          for (int64_t i = 0; i < half; ++i) {
            int64_t ia = interleaved ? 2 * i : i, ib = interleaved ? 2 * i + 1 : i + half;
            double xa = h[0].v[row + ia], xb = h[0].v[row + ib], cv = h[1].v[crow + i], sv = h[2].v[crow + i];
            y.v[row + ia] = xa * cv - xb * sv;
            y.v[row + ib] = xa * sv + xb * cv;
          }
        }
    return std::vector<HT>{y};
  };
  out.push_back(std::move(c));
}

void add_timestep(std::vector<OpCase>& out, const std::string& tag, ops::TimestepEmbeddingParams p) {
  // Like diffusers, the op forms the angle t * freq in float32 (|angle| up to ~1000, so one
  // ulp is 6e-5); the reference rounds the angle the same way and takes sin/cos in float64.
  OpCase c = make("timestep_embedding/" + tag, "timestep_embedding", {from_values({3}, {0.0f, 321.75f, 999.0f})}, 1e-4);
  c.run = [p](const std::vector<Tensor>& x) { return std::vector<Tensor>{ops::timestep_embedding(x[0], p)}; };
  c.reference = [p](const std::vector<HT>& h) {
    int64_t half = p.dim / 2;
    HT y({h[0].numel(), p.dim});
    for (int64_t n = 0; n < h[0].numel(); ++n)
      for (int64_t i = 0; i < half; ++i) {
        float e = -std::log(p.max_period) * static_cast<float>(i) / (static_cast<float>(half) - p.downscale_freq_shift);
        double a = p.scale * (static_cast<float>(h[0].v[n]) * std::exp(e));
        y.v[n * p.dim + (p.flip_sin_to_cos ? half + i : i)] = std::sin(a);
        y.v[n * p.dim + (p.flip_sin_to_cos ? i : half + i)] = std::cos(a);
      }
    return std::vector<HT>{y};
  };
  out.push_back(std::move(c));
}

void add_pool(std::vector<OpCase>& out, const std::string& tag, Shape s, ops::AvgPoolParams p) {
  Rng r = rng_for("avg_pool/" + tag);
  bool two = s.size() == 4;
  OpCase c = make(std::string(two ? "avg_pool2d/" : "avg_pool1d/") + tag, two ? "avg_pool2d" : "avg_pool1d", {f32_input(r, s)});
  c.run = [p](const std::vector<Tensor>& x) { return std::vector<Tensor>{ops::avg_pool(x[0], p)}; };
  c.reference = [p, two](const std::vector<HT>& h) {
    int64_t H = two ? h[0].dim(2) : 1, W = h[0].dim(-1), planes = h[0].numel() / (H * W);
    int64_t OH = (H + 2 * p.pad_h - p.kernel_h) / p.stride_h + 1, OW = (W + 2 * p.pad_w - p.kernel_w) / p.stride_w + 1;
    Shape os = h[0].shape;
    if (two) os[2] = OH;
    os.back() = OW;
    HT y(os);
    for (int64_t pl = 0; pl < planes; ++pl)
      for (int64_t oh = 0; oh < OH; ++oh)
        for (int64_t ow = 0; ow < OW; ++ow) {
          double sum = 0;
          int cnt = 0;
          for (int64_t kh = 0; kh < p.kernel_h; ++kh)
            for (int64_t kw = 0; kw < p.kernel_w; ++kw) {
              int64_t ih = oh * p.stride_h - p.pad_h + kh, iw = ow * p.stride_w - p.pad_w + kw;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              sum += h[0].v[(pl * H + ih) * W + iw];
              ++cnt;
            }
          y.v[(pl * OH + oh) * OW + ow] = sum / (p.count_include_pad ? p.kernel_h * p.kernel_w : cnt);
        }
    return std::vector<HT>{y};
  };
  out.push_back(std::move(c));
}

double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }

void add_gru(std::vector<OpCase>& out) {
  Rng r = rng_for("gru");
  int64_t B = 2, T = 9, I = 13, H = 7;
  std::vector<Input> in{f32_input(r, {B, T, I})};
  for (int d = 0; d < 2; ++d)
    for (Shape s : {Shape{3 * H, I}, Shape{3 * H, H}, Shape{3 * H}, Shape{3 * H}}) in.push_back(f32_input(r, s, -0.5, 0.5));
  OpCase c = make("gru/bidirectional", "gru", in, 1e-5);
  c.run = [](const std::vector<Tensor>& t) {
    ops::GruWeights f{t[1], t[2], t[3], t[4]}, rv{t[5], t[6], t[7], t[8]};
    return std::vector<Tensor>{ops::gru(t[0], f, &rv)};
  };
  c.reference = [=](const std::vector<HT>& h) {
    HT y({B, T, 2 * H});
    for (int d = 0; d < 2; ++d) {
      const HT &wi = h[1 + 4 * d], &wh = h[2 + 4 * d], &bi = h[3 + 4 * d], &bh = h[4 + 4 * d];
      for (int64_t b = 0; b < B; ++b) {
        std::vector<double> hs(H, 0.0), gi(3 * H), gh(3 * H);
        for (int64_t s = 0; s < T; ++s) {
          int64_t t = d ? T - 1 - s : s;
          for (int64_t g = 0; g < 3 * H; ++g) {
            gi[g] = bi.v[g];
            gh[g] = bh.v[g];
            for (int64_t i = 0; i < I; ++i) gi[g] += wi.v[g * I + i] * h[0].v[(b * T + t) * I + i];
            for (int64_t j = 0; j < H; ++j) gh[g] += wh.v[g * H + j] * hs[j];
          }
          for (int64_t j = 0; j < H; ++j) {
            double rr = sigm(gi[j] + gh[j]), z = sigm(gi[H + j] + gh[H + j]);
            double n = std::tanh(gi[2 * H + j] + rr * gh[2 * H + j]);
            hs[j] = (1 - z) * n + z * hs[j];
            y.v[(b * T + t) * 2 * H + d * H + j] = hs[j];
          }
        }
      }
    }
    return std::vector<HT>{y};
  };
  out.push_back(std::move(c));
}

void add_cast(std::vector<OpCase>& out, const std::string& tag, Input in, DType to) {
  DType from = in.dtype;
  OpCase c = make("cast/" + tag, "cast", {std::move(in)}, 0);
  c.dtype = from;
  c.run = [to](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::cast(t[0], to)}; };
  c.reference = [to](const std::vector<HT>& h) {
    HT y = h[0];
    for (double& v : y.v) {
      float f = static_cast<float>(v);
      v = to == DType::F16 ? f16_to_f32(f32_to_f16(f)) : to == DType::BF16 ? bf16_to_f32(f32_to_bf16(f)) : f;
    }
    return std::vector<HT>{y};
  };
  out.push_back(std::move(c));
}

}  // namespace

void add_misc_cases(std::vector<OpCase>& out) {
  add_get_rows(out, "f32_i32", DType::F32, DType::I32);
  add_get_rows(out, "f16_i64", DType::F16, DType::I64);
  add_get_rows(out, "bf16_i32", DType::BF16, DType::I32);
  add_get_rows(out, "q4_k_i64", DType::Q4_K, DType::I64);
  add_get_rows(out, "q8_0_i32", DType::Q8_0, DType::I32);
  add_rope(out, "flux_interleaved", true, false);
  add_rope(out, "neox_per_batch", false, true);
  add_timestep(out, "sd15_flip", {320, 1, 0.0f, 1.0f, 10000.0f});
  add_timestep(out, "flux_256", {256, 1, 0.0f, 1.0f, 10000.0f});
  add_timestep(out, "odd_dim_shift_scale", {33, 0, 1.0f, 0.5f, 100.0f});

  Rng r = rng_for("reduce");
  for (int axis : {0, 1, -1}) {
    OpCase c = make("cumsum/axis" + std::to_string(axis), "cumsum", {f32_input(r, {4, 9, 6})}, 1e-6);
    c.run = [axis](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::cumsum(t[0], axis)}; };
    c.reference = [axis](const std::vector<HT>& h) {
      int a = axis < 0 ? axis + 3 : axis;
      Shape s = h[0].shape;
      int64_t inner = 1;
      for (int d = a + 1; d < 3; ++d) inner *= s[d];
      HT y(s);
      for (int64_t i = 0; i < y.numel(); ++i) {
        int64_t k = (i / inner) % s[a];
        y.v[i] = h[0].v[i] + (k ? y.v[i - inner] : 0.0);
      }
      return std::vector<HT>{y};
    };
    out.push_back(std::move(c));
  }
  {
    Input x = int_input(r, {5, 37}, DType::I32, -6, 6);  // small integers: ties are certain
    x.dtype = DType::F32;
    x.raw.clear();
    OpCase c = make("argmax/ties", "argmax", {x}, 0);
    c.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::argmax(t[0])}; };
    c.reference = [](const std::vector<HT>& h) {
      HT y({5});
      for (int64_t i = 0; i < 5; ++i)
        y.v[i] = static_cast<double>(std::max_element(h[0].v.begin() + i * 37, h[0].v.begin() + (i + 1) * 37) - (h[0].v.begin() + i * 37));
      return std::vector<HT>{y};
    };
    out.push_back(std::move(c));
    OpCase d = make("topk/k5_ties", "topk", {x}, 0);
    d.run = [](const std::vector<Tensor>& t) {
      auto [v, i] = ops::topk(t[0], 5);
      return std::vector<Tensor>{v, i};
    };
    d.reference = [](const std::vector<HT>& h) {
      HT v({5, 5}), ix({5, 5});
      for (int64_t row = 0; row < 5; ++row) {
        std::vector<int64_t> o(37);
        std::iota(o.begin(), o.end(), 0);
        const double* x = h[0].v.data() + row * 37;
        std::stable_sort(o.begin(), o.end(), [&](int64_t a, int64_t b) { return x[a] > x[b]; });
        for (int k = 0; k < 5; ++k) {
          v.v[row * 5 + k] = x[o[k]];
          ix.v[row * 5 + k] = static_cast<double>(o[k]);
        }
      }
      return std::vector<HT>{v, ix};
    };
    out.push_back(std::move(d));
  }
  add_pool(out, "k3_s2_pad1", {2, 3, 11, 10}, {3, 3, 2, 2, 1, 1, 1});
  add_pool(out, "k2_exclude_pad", {1, 2, 7, 9}, {2, 3, 2, 2, 1, 1, 0});
  add_pool(out, "k3_s1", {2, 3, 17}, {1, 3, 1, 1, 0, 1, 1});
  add_gru(out);
  add_cast(out, "f32_to_f16", f32_input(r, {7, 33}, -70000, 70000), DType::F16);
  add_cast(out, "f32_to_f16_subnormal", f32_input(r, {3, 41}, -1e-4f, 1e-4f), DType::F16);  // F16C on the CPU
  add_cast(out, "f32_to_bf16", f32_input(r, {7, 33}, -3, 3), DType::BF16);
  add_cast(out, "f16_to_f32", float_input(r, {5, 19}, DType::F16), DType::F32);
  add_cast(out, "bf16_to_f32", float_input(r, {5, 19}, DType::BF16), DType::F32);
  add_cast(out, "q6_k_to_f32", quant_input(r, {3, 512}, DType::Q6_K), DType::F32);
  add_cast(out, "q5_1_to_f32", quant_input(r, {3, 64}, DType::Q5_1), DType::F32);
  add_cast(out, "f32_copy", f32_input(r, {3, 5}), DType::F32);
}

}  // namespace vkflow::test
