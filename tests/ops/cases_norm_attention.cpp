// Parity cases of the normalisations, softmax and attention (incl. an SD1.5-size attention
// whose peak memory proves the score matrix is never materialised).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "runtime/core/broadcast.hpp"
#include "runtime/ops/attention.hpp"
#include "runtime/ops/norm.hpp"
#include "runtime/ops/softmax.hpp"
#include "tests/ops/harness.hpp"

namespace vkflow::test {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

// Reads h (broadcastable to `out`) at the multi-index of out's flat element i.
double bcast_at(const HT& h, const Shape& out, int64_t i) {
  std::vector<int64_t> st = broadcast_strides(h.shape, out);
  int64_t off = 0;
  for (int d = static_cast<int>(out.size()) - 1; d >= 0; --d) {
    off += (i % out[d]) * st[d];
    i /= out[d];
  }
  return h.v[off];
}

HT ref_norm_rows(const HT& x, int64_t row, const HT& w, const HT& b, double eps, bool rms, int64_t per_ch) {
  // Rows of `row` elements; weight/bias index = (flat index / per_ch) % w.size().
  HT y(x.shape);
  for (int64_t r = 0; r < x.numel() / row; ++r) {
    double m = 0, s2 = 0;
    for (int64_t i = 0; i < row; ++i) m += x.v[r * row + i];
    m = rms ? 0.0 : m / row;
    for (int64_t i = 0; i < row; ++i) s2 += (x.v[r * row + i] - m) * (x.v[r * row + i] - m);
    double rs = 1.0 / std::sqrt(s2 / row + eps);
    for (int64_t i = 0; i < row; ++i) {
      int64_t f = r * row + i, c = w.v.empty() && b.v.empty() ? 0 : (f / per_ch) % std::max(w.numel(), b.numel());
      y.v[f] = (x.v[f] - m) * rs * (w.v.empty() ? 1.0 : w.v[c]) + (b.v.empty() ? 0.0 : b.v[c]);
    }
  }
  return y;
}

HT ref_softmax(const HT& x, double scale, const HT& mask) {
  int64_t D = x.dim(-1);
  HT y(x.shape);
  for (int64_t r = 0; r < x.numel() / D; ++r) {
    double mx = kNegInf, sum = 0;
    for (int64_t i = 0; i < D; ++i) {
      double v = x.v[r * D + i] * scale + (mask.v.empty() ? 0.0 : bcast_at(mask, x.shape, r * D + i));
      y.v[r * D + i] = v;
      mx = std::max(mx, v);
    }
    for (int64_t i = 0; i < D; ++i) {
      y.v[r * D + i] = mx == kNegInf ? 0.0 : std::exp(y.v[r * D + i] - mx);
      sum += y.v[r * D + i];
    }
    for (int64_t i = 0; i < D; ++i) y.v[r * D + i] = sum > 0 ? y.v[r * D + i] / sum : 0.0;
  }
  return y;
}

// Reference attention over the full score matrix, in float64.
HT ref_attention(const HT& q, const HT& k, const HT& v, const HT& mask, bool causal, double scale) {
  int64_t B = q.dim(0), H = q.dim(1), Lq = q.dim(2), D = q.dim(3), Lk = k.dim(2), Dv = v.dim(3);
  HT y({B, H, Lq, Dv});
  std::vector<double> s(Lk);
  Shape full{B, H, Lq, Lk};
  for (int64_t bh = 0; bh < B * H; ++bh)
    for (int64_t i = 0; i < Lq; ++i) {
      double mx = kNegInf;
      for (int64_t j = 0; j < Lk; ++j) {
        double acc = 0;
        for (int64_t d = 0; d < D; ++d) acc += q.v[(bh * Lq + i) * D + d] * k.v[(bh * Lk + j) * D + d];
        acc *= scale;
        if (!mask.v.empty()) acc += bcast_at(mask, full, (bh * Lq + i) * Lk + j);
        if (causal && j > i) acc = kNegInf;
        s[j] = acc;
        mx = std::max(mx, acc);
      }
      double sum = 0;
      for (int64_t j = 0; j < Lk; ++j) sum += (s[j] = mx == kNegInf ? 0.0 : std::exp(s[j] - mx));
      for (int64_t d = 0; d < Dv; ++d) {
        double acc = 0;
        for (int64_t j = 0; j < Lk; ++j) acc += s[j] * v.v[(bh * Lk + j) * Dv + d];
        y.v[(bh * Lq + i) * Dv + d] = sum > 0 ? acc / sum : 0.0;
      }
    }
  return y;
}

OpCase make(const std::string& name, const std::string& op, std::vector<Input> in) {
  OpCase c;
  c.name = name;
  c.op = op;
  c.inputs = std::move(in);
  return c;
}

void add_attention(std::vector<OpCase>& out, const std::string& name, int64_t B, int64_t H, int64_t Lq, int64_t Lk,
                   int64_t D, int64_t Dv, Shape mask, bool causal) {
  Rng r = rng_for(name);
  OpCase c = make(name, "attention",
                  {f32_input(r, {B, H, Lq, D}, -2, 2), f32_input(r, {B, H, Lk, D}, -2, 2), f32_input(r, {B, H, Lk, Dv}),
                   mask.empty() ? absent() : f32_input(r, mask, -3, 0)});
  if (!mask.empty()) {  // mask out a few whole key columns with -inf, as padding masks do
    for (size_t i = 0; i < c.inputs[3].values.size(); i += 5) c.inputs[3].values[i] = -INFINITY;
  }
  double scale = 1.0 / std::sqrt(double(D));
  c.run = [causal](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::attention(t[0], t[1], t[2], t[3], causal)}; };
  c.reference = [causal, scale](const std::vector<HT>& h) { return std::vector<HT>{ref_attention(h[0], h[1], h[2], h[3], causal, scale)}; };
  c.tol = 2e-5;
  out.push_back(std::move(c));
}

// k and v stored as f16 (a decoder's cached keys/values), where the device supports it.
void add_attention_f16_kv(std::vector<OpCase>& out, const std::string& name, int64_t H, int64_t Lq, int64_t Lk,
                          int64_t D, bool mask) {
  Rng r = rng_for(name);
  OpCase c = make(name, "attention",
                  {f32_input(r, {1, H, Lq, D}, -2, 2), float_input(r, {1, H, Lk, D}, DType::F16, -2, 2),
                   float_input(r, {1, H, Lk, D}, DType::F16), mask ? f32_input(r, {1, 1, Lq, Lk}, -3, 0) : absent()});
  c.dtype = DType::F16;
  if (mask)
    for (size_t i = 0; i < c.inputs[3].values.size(); i += 7) c.inputs[3].values[i] = -INFINITY;
  const double scale = 1.0 / std::sqrt(double(D));
  c.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::attention(t[0], t[1], t[2], t[3])}; };
  c.reference = [scale](const std::vector<HT>& h) { return std::vector<HT>{ref_attention(h[0], h[1], h[2], h[3], false, scale)}; };
  out.push_back(std::move(c));
}

}  // namespace

void add_norm_attention_cases(std::vector<OpCase>& out) {
  {
    Rng r = rng_for("group_norm");
    OpCase c = make("group_norm/affine", "group_norm", {f32_input(r, {2, 12, 5, 7}, -3, 5), f32_input(r, {12}), f32_input(r, {12})});
    c.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::group_norm(t[0], 4, t[1], t[2], 1e-5f)}; };
    c.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_norm_rows(h[0], 3 * 35, h[1], h[2], 1e-5, false, 35)}; };
    out.push_back(std::move(c));
    OpCase d = make("group_norm/plain_1d", "group_norm", {f32_input(r, {3, 6, 11}), absent(), absent()});
    d.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::group_norm(t[0], 3, {}, {}, 1e-6f)}; };
    d.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_norm_rows(h[0], 22, {}, {}, 1e-6, false, 11)}; };
    out.push_back(std::move(d));
    // Large groups with a big mean: the variance must not cancel away.
    OpCase e = make("group_norm/large_offset", "group_norm", {f32_input(r, {1, 64, 96, 80}, 30, 31), absent(), absent()});
    e.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::group_norm(t[0], 32)}; };
    e.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_norm_rows(h[0], 2 * 96 * 80, {}, {}, 1e-5, false, 96 * 80)}; };
    e.tol = 1e-4;
    out.push_back(std::move(e));
  }
  {
    Rng r = rng_for("layer_norm");
    OpCase c = make("layer_norm/affine", "layer_norm", {f32_input(r, {3, 5, 77}, -2, 3), f32_input(r, {77}), f32_input(r, {77})});
    c.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::layer_norm(t[0], t[1], t[2])}; };
    c.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_norm_rows(h[0], 77, h[1], h[2], 1e-5, false, 1)}; };
    out.push_back(std::move(c));
    OpCase d = make("layer_norm/no_affine", "layer_norm", {f32_input(r, {4, 33}), absent(), absent()});
    d.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::layer_norm(t[0], {}, {}, 1e-6f)}; };
    d.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_norm_rows(h[0], 33, {}, {}, 1e-6, false, 1)}; };
    out.push_back(std::move(d));
    OpCase e = make("rms_norm/weight", "rms_norm", {f32_input(r, {2, 9, 45}, -4, 4), f32_input(r, {45})});
    e.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::rms_norm(t[0], t[1], 1e-6f)}; };
    e.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_norm_rows(h[0], 45, h[1], {}, 1e-6, true, 1)}; };
    out.push_back(std::move(e));
    OpCase f = make("batch_norm/folded", "batch_norm", {f32_input(r, {2, 5, 3, 7}), f32_input(r, {5}), f32_input(r, {5})});
    f.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::batch_norm(t[0], t[1], t[2])}; };
    f.reference = [](const std::vector<HT>& h) {
      HT y(h[0].shape);
      for (int64_t i = 0; i < y.numel(); ++i) y.v[i] = h[0].v[i] * h[1].v[(i / 21) % 5] + h[2].v[(i / 21) % 5];
      return std::vector<HT>{y};
    };
    out.push_back(std::move(f));
  }
  {
    Rng r = rng_for("softmax");
    OpCase c = make("softmax/scale_mask_bcast", "softmax", {f32_input(r, {2, 3, 5, 37}, -4, 4), f32_input(r, {3, 1, 37}, -2, 0)});
    for (size_t i = 0; i < c.inputs[1].values.size(); i += 7) c.inputs[1].values[i] = -INFINITY;
    c.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::softmax(t[0], 0.7f, t[1])}; };
    c.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_softmax(h[0], 0.7, h[1])}; };
    out.push_back(std::move(c));
    OpCase d = make("softmax/fully_masked_rows", "softmax", {f32_input(r, {4, 19}), from_values({4, 1}, {0, -INFINITY, 0, -INFINITY})});
    d.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::softmax(t[0], 1.0f, t[1])}; };
    d.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_softmax(h[0], 1.0, h[1])}; };
    out.push_back(std::move(d));
    OpCase e = make("softmax/long_row", "softmax", {f32_input(r, {3, 4099}, -20, 20), absent()});
    e.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::softmax(t[0])}; };
    e.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_softmax(h[0], 1.0, {})}; };
    out.push_back(std::move(e));
  }
  add_attention(out, "attention/plain_odd", 2, 3, 37, 53, 24, 24, {}, false);
  add_attention(out, "attention/cross_dv", 1, 2, 45, 77, 40, 16, {}, false);
  add_attention(out, "attention/head_dims_6_10", 1, 2, 21, 30, 6, 10, {}, false);  // not multiples of 4
  add_attention(out, "attention/causal", 1, 2, 131, 131, 16, 16, {}, true);
  add_attention(out, "attention/mask_bcast", 2, 2, 19, 150, 8, 8, {2, 1, 1, 150}, false);
  add_attention(out, "attention/mask_causal", 1, 1, 33, 33, 8, 8, {1, 1, 33, 33}, true);
  // A few query rows: attention_decode.comp on Vulkan (keys in chunks of 128 or 256).
  add_attention(out, "attention/decode_one_row", 1, 3, 1, 300, 64, 64, {}, false);
  add_attention(out, "attention/decode_rows_mask", 2, 2, 5, 37, 20, 16, {2, 1, 5, 37}, false);
  add_attention(out, "attention/decode_causal", 1, 2, 4, 4, 16, 16, {}, true);
  add_attention(out, "attention/decode_wide_v", 1, 1, 2, 600, 32, 160, {}, false);
  // Keys split over workgroups and merged (attention_combine.comp), masked keys in some splits.
  add_attention(out, "attention/decode_split_mask", 1, 2, 3, 1500, 64, 64, {1, 1, 3, 1500}, false);
  add_attention(out, "attention/decode_split_causal", 1, 1, 8, 400, 16, 16, {}, true);
  // f16 keys/values: few query rows over split key ranges (masked), and the tiled path.
  add_attention_f16_kv(out, "attention/f16_kv_decode_split", 2, 5, 1500, 64, true);
  add_attention_f16_kv(out, "attention/f16_kv_one_row_d20", 3, 1, 77, 20, false);
  add_attention_f16_kv(out, "attention/f16_kv_tiled", 2, 40, 90, 24, true);
  // The VAE's single 512-wide head (Vulkan runs it in blocks of query rows), with a mask.
  add_attention(out, "attention/vae_head_512", 1, 1, 70, 70, 512, 512, {1, 1, 70, 70}, false);

  // SD1.5 self-attention at 512x512: 4096 tokens, head dim 40 (one head keeps the float64
  // reference affordable). The full score matrix would take 64 MiB; the device must stay far
  // below that on top of the inputs and the output.
  {
    std::string name = "attention/sd15_4096_tokens";
    Rng r = rng_for(name);
    const int64_t L = 4096, D = 40;
    OpCase c = make(name, "attention", {f32_input(r, {1, 1, L, D}, -2, 2), f32_input(r, {1, 1, L, D}, -2, 2), f32_input(r, {1, 1, L, D}), absent()});
    auto base = std::make_shared<uint64_t>(0);
    c.run = [base](const std::vector<Tensor>& t) {
      Device& dev = t[0].device();
      dev.synchronize();
      *base = dev.memory().in_use;
      dev.reset_peak();
      return std::vector<Tensor>{ops::attention(t[0], t[1], t[2], t[3])};
    };
    c.after = [base](Device& dev) {
      uint64_t extra = dev.memory().peak - *base;
      uint64_t out_bytes = uint64_t(L) * D * 4, scores = uint64_t(L) * L * 4;
      EXPECT_LT(extra, out_bytes + scores / 8) << dev.name() << ": attention used " << extra
                                               << " bytes beyond its inputs (the full score matrix is " << scores << ")";
    };
    double scale = 1.0 / std::sqrt(double(D));
    c.reference = [scale](const std::vector<HT>& h) { return std::vector<HT>{ref_attention(h[0], h[1], h[2], h[3], false, scale)}; };
    c.tol = 2e-5;
    out.push_back(std::move(c));
  }
}

}  // namespace vkflow::test
