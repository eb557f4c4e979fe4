// Parity cases of linear, matmul and the convolutions, with their float64 references.
#include <cmath>
#include <cstdlib>
#include <utility>

#include "runtime/ops/conv.hpp"
#include "runtime/ops/matmul.hpp"
#include "tests/ops/harness.hpp"

namespace vkflow::test {
namespace {

HT ref_linear(const HT& x, const HT& w, const HT& b) {
  int64_t K = x.dim(-1), M = x.numel() / K, N = w.dim(0);
  Shape s = x.shape;
  s.back() = N;
  HT y(s);
  for (int64_t m = 0; m < M; ++m)
    for (int64_t n = 0; n < N; ++n) {
      double acc = b.v.empty() ? 0.0 : b.v[n];
      for (int64_t k = 0; k < K; ++k) acc += x.v[m * K + k] * w.v[n * K + k];
      y.v[m * N + n] = acc;
    }
  return y;
}

HT ref_matmul(const HT& a, const HT& b, bool tb) {
  int64_t M = a.dim(-2), K = a.dim(-1), N = tb ? b.dim(-2) : b.dim(-1), batch = a.numel() / (M * K);
  bool shared = b.shape.size() == 2;
  Shape s = a.shape;
  s.back() = N;
  HT y(s);
  for (int64_t i = 0; i < batch; ++i)
    for (int64_t m = 0; m < M; ++m)
      for (int64_t n = 0; n < N; ++n) {
        double acc = 0;
        const double* bb = b.v.data() + (shared ? 0 : i * K * N);
        for (int64_t k = 0; k < K; ++k) acc += a.v[(i * M + m) * K + k] * (tb ? bb[n * K + k] : bb[k * N + n]);
        y.v[(i * M + m) * N + n] = acc;
      }
  return y;
}

// 2-D convolution / transposed convolution on [N, C, H, W] (1-D callers pass H = 1).
HT ref_conv(const HT& x, const HT& w, const HT& b, Shape out, ops::Conv2dParams p, bool transpose) {
  int64_t N = x.dim(0), Ci = x.dim(1), H = x.dim(2), W = x.dim(3), KH = w.dim(2), KW = w.dim(3);
  int64_t Co = out[1], OH = out[2], OW = out[3], g = p.groups, cig = Ci / g, cog = Co / g;
  HT y(out);
  for (int64_t n = 0; n < N; ++n)
    for (int64_t co = 0; co < Co; ++co)
      for (int64_t i = 0; i < OH * OW; ++i) y.v[(n * Co + co) * OH * OW + i] = b.v.empty() ? 0.0 : b.v[co];
  for (int64_t n = 0; n < N; ++n)
    for (int64_t gi = 0; gi < g; ++gi)
      for (int64_t ci = 0; ci < cig; ++ci)
        for (int64_t co = 0; co < cog; ++co)
          for (int64_t kh = 0; kh < KH; ++kh)
            for (int64_t kw = 0; kw < KW; ++kw) {
              double wv = transpose ? w.v[(((gi * cig + ci) * cog + co) * KH + kh) * KW + kw]
                                    : w.v[(((gi * cog + co) * cig + ci) * KH + kh) * KW + kw];
              const double* xc = x.v.data() + (n * Ci + gi * cig + ci) * H * W;
              double* yc = y.v.data() + (n * Co + gi * cog + co) * OH * OW;
              if (!transpose) {
                for (int64_t oh = 0; oh < OH; ++oh)
                  for (int64_t ow = 0; ow < OW; ++ow) {
                    int64_t ih = oh * p.stride_h - p.pad_h + kh * p.dil_h, iw = ow * p.stride_w - p.pad_w + kw * p.dil_w;
                    if (ih >= 0 && ih < H && iw >= 0 && iw < W) yc[oh * OW + ow] += wv * xc[ih * W + iw];
                  }
              } else {
                for (int64_t ih = 0; ih < H; ++ih)
                  for (int64_t iw = 0; iw < W; ++iw) {
                    int64_t oh = ih * p.stride_h - p.pad_h + kh * p.dil_h, ow = iw * p.stride_w - p.pad_w + kw * p.dil_w;
                    if (oh >= 0 && oh < OH && ow >= 0 && ow < OW) yc[oh * OW + ow] += wv * xc[ih * W + iw];
                  }
              }
            }
  return y;
}

HT as_2d(HT t) {  // [N, C, L] -> [N, C, 1, L]
  t.shape.insert(t.shape.begin() + 2, 1);
  return t;
}

void add_linear(std::vector<OpCase>& out, const std::string& name, Shape xs, int64_t N, DType wt, bool bias) {
  OpCase c;
  c.name = name;
  c.op = "linear";
  c.dtype = wt;
  Rng r = rng_for(name);
  int64_t K = xs.back();
  c.inputs.push_back(f32_input(r, xs));
  c.inputs.push_back(dtype_info(wt).quantized ? quant_input(r, {N, K}, wt) : float_input(r, {N, K}, wt));
  c.inputs.push_back(bias ? f32_input(r, {N}) : absent());
  c.run = [](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::linear(t[0], t[1], t[2])}; };
  c.reference = [](const std::vector<HT>& h) { return std::vector<HT>{ref_linear(h[0], h[1], h[2])}; };
  c.tol = 1e-5;
  out.push_back(std::move(c));
}

// linear with its fusion, y = gelu?(LN?(x) @ w^T + b) + residual; asked as "linear" so the
// CPU runs it too (through layer_norm, linear, gelu and add, as devices without "linear_fused").
void add_linear_fused(std::vector<OpCase>& out, const std::string& name, Shape xs, int64_t N, DType wt, bool bias,
                      bool gelu, bool residual, bool norm = false) {
  add_linear(out, name, xs, N, wt, bias);
  OpCase& c = out.back();
  Rng r = rng_for(name + "/residual");
  Shape ys = xs;
  ys.back() = N;
  const int64_t K = xs.back();
  c.inputs.push_back(residual ? f32_input(r, ys) : absent());
  c.inputs.push_back(norm ? f32_input(r, {K}, 0.5f, 1.5f) : absent());
  c.inputs.push_back(norm ? f32_input(r, {K}) : absent());
  c.run = [gelu](const std::vector<Tensor>& t) {
    return std::vector<Tensor>{
        ops::linear(t[0], t[1], t[2], ops::LinearFusion{.norm_w = t[4], .norm_b = t[5], .gelu = gelu, .residual = t[3]})};
  };
  c.reference = [gelu](const std::vector<HT>& h) {
    HT x = h[0];
    if (!h[4].v.empty()) {  // layer norm over the last dim, eps 1e-5
      const int64_t K = x.dim(-1);
      for (int64_t row = 0; row < x.numel() / K; ++row) {
        double mean = 0, var = 0;
        for (int64_t k = 0; k < K; ++k) mean += x.v[row * K + k] / K;
        for (int64_t k = 0; k < K; ++k) var += (x.v[row * K + k] - mean) * (x.v[row * K + k] - mean) / K;
        for (int64_t k = 0; k < K; ++k)
          x.v[row * K + k] = (x.v[row * K + k] - mean) / std::sqrt(var + 1e-5) * h[4].v[k] + h[5].v[k];
      }
    }
    HT y = ref_linear(x, h[1], h[2]);
    for (size_t i = 0; i < y.v.size(); ++i) {
      if (gelu) y.v[i] = 0.5 * y.v[i] * (1.0 + std::erf(y.v[i] / std::sqrt(2.0)));
      if (!h[3].v.empty()) y.v[i] += h[3].v[i];
    }
    return std::vector<HT>{y};
  };
}

void add_matmul(std::vector<OpCase>& out, const std::string& name, Shape as, Shape bs, bool tb) {
  OpCase c;
  c.name = name;
  c.op = "matmul";
  Rng r = rng_for(name);
  c.inputs = {f32_input(r, as), f32_input(r, bs)};
  c.run = [tb](const std::vector<Tensor>& t) { return std::vector<Tensor>{ops::matmul(t[0], t[1], tb)}; };
  c.reference = [tb](const std::vector<HT>& h) { return std::vector<HT>{ref_matmul(h[0], h[1], tb)}; };
  c.tol = 1e-5;
  out.push_back(std::move(c));
}

void add_conv2d(std::vector<OpCase>& out, const std::string& name, Shape xs, Shape ws, bool bias,
                ops::Conv2dParams p, bool transpose, DType wt = DType::F32) {
  OpCase c;
  c.name = name;
  c.op = transpose ? "conv_transpose2d" : "conv2d";
  c.dtype = wt;
  Rng r = rng_for(name);
  int64_t co = transpose ? ws[1] * p.groups : ws[0];
  c.inputs = {f32_input(r, xs), float_input(r, ws, wt), bias ? f32_input(r, {co}) : absent()};
  c.run = [p, transpose](const std::vector<Tensor>& t) {
    return std::vector<Tensor>{transpose ? ops::conv_transpose2d(t[0], t[1], t[2], p) : ops::conv2d(t[0], t[1], t[2], p)};
  };
  c.reference = [p, transpose, co](const std::vector<HT>& h) {
    int64_t oh = transpose ? ops::conv_transpose_out_size(h[0].dim(2), h[1].dim(2), p.stride_h, p.pad_h, p.dil_h, p.out_pad_h)
                           : ops::conv_out_size(h[0].dim(2), h[1].dim(2), p.stride_h, p.pad_h, p.dil_h);
    int64_t ow = transpose ? ops::conv_transpose_out_size(h[0].dim(3), h[1].dim(3), p.stride_w, p.pad_w, p.dil_w, p.out_pad_w)
                           : ops::conv_out_size(h[0].dim(3), h[1].dim(3), p.stride_w, p.pad_w, p.dil_w);
    return std::vector<HT>{ref_conv(h[0], h[1], h[2], {h[0].dim(0), co, oh, ow}, p, transpose)};
  };
  c.tol = 1e-5;
  out.push_back(std::move(c));
}

void add_conv1d(std::vector<OpCase>& out, const std::string& name, Shape xs, Shape ws, bool bias,
                ops::Conv1dParams p, bool transpose) {
  OpCase c;
  c.name = name;
  c.op = transpose ? "conv_transpose1d" : "conv1d";
  Rng r = rng_for(name);
  int64_t co = transpose ? ws[1] * p.groups : ws[0];
  c.inputs = {f32_input(r, xs), f32_input(r, ws), bias ? f32_input(r, {co}) : absent()};
  c.run = [p, transpose](const std::vector<Tensor>& t) {
    return std::vector<Tensor>{transpose ? ops::conv_transpose1d(t[0], t[1], t[2], p) : ops::conv1d(t[0], t[1], t[2], p)};
  };
  c.reference = [p, transpose, co](const std::vector<HT>& h) {
    ops::Conv2dParams q;
    q.stride_w = p.stride;
    q.pad_w = p.pad;
    q.dil_w = p.dil;
    q.groups = p.groups;
    q.out_pad_w = p.out_pad;
    int64_t ol = transpose ? ops::conv_transpose_out_size(h[0].dim(2), h[1].dim(2), p.stride, p.pad, p.dil, p.out_pad)
                           : ops::conv_out_size(h[0].dim(2), h[1].dim(2), p.stride, p.pad, p.dil);
    HT y = ref_conv(as_2d(h[0]), as_2d(h[1]), h[2], {h[0].dim(0), co, 1, ol}, q, transpose);
    y.shape = {h[0].dim(0), co, ol};
    return std::vector<HT>{y};
  };
  c.tol = 1e-5;
  out.push_back(std::move(c));
}

// Runs the case's kernels with Vulkan switches forced (a coop tile, its stage count); the
// previous values come back afterwards. Other devices ignore them.
void force_env(OpCase& c, std::vector<std::pair<std::string, std::string>> vars) {
  c.run = [run = c.run, vars](const std::vector<Tensor>& t) {
    std::vector<std::pair<std::string, std::string>> saved;
    std::vector<bool> had;
    for (const auto& [k, v] : vars) {
      const char* old = std::getenv(k.c_str());
      had.push_back(old != nullptr);
      saved.emplace_back(k, old ? old : "");
      setenv(k.c_str(), v.c_str(), 1);
    }
    auto restore = [&] {
      for (size_t i = 0; i < saved.size(); ++i)
        had[i] ? setenv(saved[i].first.c_str(), saved[i].second.c_str(), 1) : unsetenv(saved[i].first.c_str());
    };
    try {
      auto out = run(t);
      restore();
      return out;
    } catch (...) {
      restore();
      throw;
    }
  };
}

// The opt-in pipelined tensor-core tiles (l 128x128, m 128x64, n 64x128, s 64x64; one or two
// shared slices) forced one by one on ragged M, N, K edges, every weight layout and float dtype.
// On llvmpipe they run as scalar stand-ins with VKFLOW_VK_COOP_EMULATE=1.
void add_coop_tile_cases(std::vector<OpCase>& out) {
  using Env = std::vector<std::pair<std::string, std::string>>;
  auto gemm = [](std::string tile, std::string stages = "2") { return Env{{"VKFLOW_VK_GEMM", tile}, {"VKFLOW_VK_GEMM_STAGES", stages}}; };
  auto conv = [](std::string tile, std::string stages = "2") { return Env{{"VKFLOW_VK_CONV", tile}, {"VKFLOW_VK_GEMM_STAGES", stages}}; };
  add_linear(out, "linear/coop_tiles_auto", {2, 40, 64}, 50, DType::F16, true);  // the per-shape pick
  force_env(out.back(), Env{{"VKFLOW_VK_GEMM", "tiles"}});
  add_linear(out, "linear/coop_tile_l", {150, 72}, 140, DType::F32, true);
  force_env(out.back(), gemm("l"));
  add_linear(out, "linear/coop_tile_m", {2, 100, 64}, 70, DType::F32, false);
  force_env(out.back(), gemm("m"));
  add_linear(out, "linear/coop_tile_n", {70, 48}, 200, DType::F32, true);
  force_env(out.back(), gemm("n"));
  add_linear(out, "linear/coop_tile_s_k90", {2, 37, 90}, 70, DType::F32, true);  // K % 4 != 0: scalar loads
  force_env(out.back(), gemm("s", "1"));
  add_linear(out, "linear/coop_tile_l_f16", {130, 64}, 96, DType::F16, true);
  force_env(out.back(), gemm("l"));
  add_linear(out, "linear/coop_tile_m_bf16", {140, 40}, 66, DType::BF16, true);
  force_env(out.back(), gemm("m", "1"));
  add_linear(out, "linear/coop_tile_s_f16_k38", {33, 38}, 45, DType::F16, false);
  force_env(out.back(), gemm("s"));
  add_linear_fused(out, "linear_fused/coop_tile_s_gelu_residual", {2, 37, 64}, 70, DType::F16, true, true, true);
  force_env(out.back(), gemm("s"));
  add_matmul(out, "matmul/coop_tile_n_kn", {3, 40, 36}, {3, 36, 132}, false);
  force_env(out.back(), gemm("n"));
  add_matmul(out, "matmul/coop_tile_m_nk", {2, 130, 20}, {2, 70, 20}, true);
  force_env(out.back(), gemm("m"));
  add_matmul(out, "matmul/coop_tile_s_kn_n30", {2, 33, 24}, {24, 30}, false);  // N % 4 != 0
  force_env(out.back(), gemm("s"));

  ops::Conv2dParams p;
  p.pad_h = p.pad_w = 1;
  add_conv2d(out, "conv2d/coop_tile_n", {2, 20, 13, 11}, {70, 20, 3, 3}, true, p, false);
  force_env(out.back(), conv("n"));
  add_conv2d(out, "conv2d/coop_tile_l", {1, 16, 17, 19}, {130, 16, 3, 3}, true, p, false);
  force_env(out.back(), conv("l"));
  add_conv2d(out, "conv2d/coop_tile_l_one_slice", {1, 16, 17, 19}, {130, 16, 3, 3}, false, p, false);
  force_env(out.back(), conv("l", "1"));
  p.stride_h = p.stride_w = 2;
  add_conv2d(out, "conv2d/coop_tile_m_f16_stride2", {1, 8, 23, 24}, {136, 8, 3, 3}, true, p, false, DType::F16);
  force_env(out.back(), conv("m"));
  p = {};
  p.groups = 2;
  add_conv2d(out, "conv2d/coop_tile_s_groups_k27", {1, 6, 10, 10}, {10, 3, 3, 3}, true, p, false);
  force_env(out.back(), conv("s", "1"));
  p = {};
  p.pad_h = p.pad_w = 1;
  add_conv2d(out, "conv2d/coop_tile_s_bf16", {2, 4, 9, 9}, {20, 4, 3, 3}, false, p, false, DType::BF16);
  force_env(out.back(), conv("s"));
}

}  // namespace

void add_matmul_conv_cases(std::vector<OpCase>& out) {
  add_linear(out, "linear/f32_bias", {2, 7, 96}, 37, DType::F32, true);
  add_linear(out, "linear/f16", {5, 80}, 33, DType::F16, false);
  add_linear(out, "linear/bf16_bias", {3, 64}, 29, DType::BF16, true);
  add_linear(out, "linear/f16_many_tiles", {12, 4096}, 300, DType::F16, true);
  add_linear(out, "linear/bf16_gemm_path", {3, 5, 64}, 21, DType::BF16, false);
  // Up to 8 rows: matvec.comp on Vulkan (vec4 f32, scalar f32, odd-K f16, paired bf16 and f16;
  // the 16-byte 16-bit loads: linear/f16 and linear/bf16_bias above).
  add_linear(out, "linear/matvec_f16_pairs", {1, 90}, 7, DType::F16, true);
  add_linear(out, "linear/matvec_f32_vec4", {1, 256}, 70, DType::F32, true);
  add_linear(out, "linear/matvec_f32_rows8", {8, 99}, 13, DType::F32, false);
  add_linear(out, "linear/matvec_f16_odd_k", {2, 81}, 9, DType::F16, true);
  add_linear(out, "linear/matvec_bf16_pairs", {1, 130}, 11, DType::BF16, true);
  // CPU matvec (runtime/cpu/matvec_avx2.cpp): 5 activation rows per weight row (beam 5), a
  // tail of rows outside the 4-row reduction (N % 4), a K tail (K % 8) and 8 rows of bf16.
  add_linear(out, "linear/matvec_f16_beam5", {5, 1, 512}, 70, DType::F16, true);
  add_linear(out, "linear/matvec_bf16_rows8_k_tail", {8, 100}, 13, DType::BF16, false);
  // The epilogue on the matvec, tiled/coop GEMM and fused-dequantize paths.
  add_linear_fused(out, "linear_fused/matvec_f16_gelu", {1, 96}, 40, DType::F16, true, true, false);
  add_linear_fused(out, "linear_fused/matvec_f16_residual", {2, 1, 64}, 64, DType::F16, true, false, true);
  add_linear_fused(out, "linear_fused/gemm_f16_gelu_residual", {2, 70, 64}, 50, DType::F16, true, true, true);
  add_linear_fused(out, "linear_fused/gemm_f32_residual", {20, 48}, 33, DType::F32, false, false, true);
  add_linear_fused(out, "linear_fused/q4_k_gelu_residual", {3, 256}, 19, DType::Q4_K, true, true, true);
  // The layer-norm prologue: the matvec's load paths (16-byte f16, f32 vec4, odd-K scalar,
  // fused dequantization) and the GEMM paths (normalized first).
  add_linear_fused(out, "linear_fused/norm_matvec_f16", {1, 96}, 40, DType::F16, true, false, false, true);
  add_linear_fused(out, "linear_fused/norm_matvec_f32_gelu", {3, 64}, 21, DType::F32, true, true, false, true);
  add_linear_fused(out, "linear_fused/norm_matvec_f16_odd_k_residual", {2, 81}, 9, DType::F16, false, false, true, true);
  add_linear_fused(out, "linear_fused/norm_q4_k", {2, 256}, 11, DType::Q4_K, true, false, false, true);
  add_linear_fused(out, "linear_fused/norm_gemm_f16_residual", {20, 64}, 30, DType::F16, true, false, true, true);
  for (DType q : {DType::Q4_0, DType::Q4_1, DType::Q5_0, DType::Q5_1, DType::Q8_0, DType::Q2_K, DType::Q3_K,
                  DType::Q4_K, DType::Q5_K, DType::Q6_K})
  {  // a few rows (fused dequantize-and-dot) and many rows (dequantized tiles + GEMM)
    add_linear(out, "linear/" + std::string(dtype_name(q)), {3, 512}, 19, q, true);
    add_linear(out, "linear/" + std::string(dtype_name(q)) + "_gemm_path", {11, 256}, 23, q, false);
  }
  add_matmul(out, "matmul/batched", {2, 3, 5, 7}, {2, 3, 7, 9}, false);
  add_matmul(out, "matmul/batched_trans_b", {2, 3, 5, 7}, {2, 3, 9, 7}, true);
  add_matmul(out, "matmul/shared_b", {4, 11, 13}, {13, 17}, false);

  ops::Conv2dParams p;
  p.stride_h = p.stride_w = 2;
  p.pad_h = p.pad_w = 1;
  p.groups = 2;
  add_conv2d(out, "conv2d/groups2_stride2", {2, 6, 13, 11}, {8, 3, 3, 3}, true, p, false);
  p = {};
  p.dil_h = 2, p.dil_w = 3, p.pad_h = 2, p.pad_w = 1;
  add_conv2d(out, "conv2d/dilation", {1, 3, 10, 9}, {5, 3, 3, 3}, false, p, false);
  add_conv2d(out, "conv2d/pointwise", {2, 5, 7, 6}, {4, 5, 1, 1}, true, {}, false);
  p = {};
  p.pad_h = p.pad_w = 1;
  add_conv2d(out, "conv2d/f16_weight", {1, 4, 9, 8}, {6, 4, 3, 3}, true, p, false, DType::F16);
  p.groups = 6;
  add_conv2d(out, "conv2d/depthwise", {1, 6, 9, 7}, {6, 1, 3, 3}, true, p, false);
  p.groups = 1;
  add_conv2d(out, "conv2d/chunked_columns", {1, 512, 33, 37}, {3, 512, 3, 3}, true, p, false);
  p = {};
  p.stride_h = p.stride_w = 2;
  p.pad_h = p.pad_w = 1;
  add_conv2d(out, "conv_transpose2d/stride2", {1, 4, 5, 7}, {4, 3, 4, 4}, true, p, true);
  p.groups = 2;
  p.out_pad_h = p.out_pad_w = 1;
  add_conv2d(out, "conv_transpose2d/groups_outpad", {2, 4, 5, 6}, {4, 2, 3, 3}, false, p, true);

  ops::Conv1dParams q;
  q.stride = 2, q.pad = 2, q.dil = 2, q.groups = 2;
  add_conv1d(out, "conv1d/groups_dilation", {2, 6, 29}, {4, 3, 5}, true, q, false);
  q = {};
  q.pad = 1;
  add_conv1d(out, "conv1d/whisper_like", {1, 8, 50}, {16, 8, 3}, true, q, false);
  q = {};
  q.stride = 4, q.pad = 2;
  add_conv1d(out, "conv_transpose1d/upsample4", {1, 4, 17}, {4, 3, 8}, true, q, true);
  q.groups = 2, q.out_pad = 1, q.stride = 3, q.pad = 1;
  add_conv1d(out, "conv_transpose1d/groups_outpad", {2, 4, 9}, {4, 2, 5}, false, q, true);
  add_coop_tile_cases(out);
}

}  // namespace vkflow::test
