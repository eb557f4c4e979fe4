// CPU kernels of conv2d / conv1d (im2col in bounded column chunks + OpenBLAS GEMM) and
// conv_transpose2d / conv_transpose1d (GEMM into column chunks + col2im scatter).
// 1-D convolutions run as 2-D ones with H = 1.
#include <algorithm>
#include <cstring>

#include "runtime/cpu/blas.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/cpu/cpu_kernels.hpp"
#include "runtime/cpu/kernel_util.hpp"
#include "runtime/cpu/thread_pool.hpp"
#include "runtime/cpu/vec.hpp"
#include "runtime/ops/conv.hpp"

namespace vkflow::cpu {
namespace {

// Floats of im2col / col2im workspace per chunk.
constexpr int64_t kColFloats = 2 << 20;

struct Geom {
  int64_t N, Ci, H, W, Co, KH, KW, OH, OW, sh, sw, ph, pw, dh, dw, g;
};

Geom geom(const OpCall& c, bool transpose) {
  const Tensor &x = c.inputs[0], &w = c.inputs[1], &y = c.outputs[0];
  bool two_d = x.rank() == 4;
  ops::Conv2dParams p;
  if (two_d) {
    p = params_of<ops::Conv2dParams>(c);
  } else {
    const auto& q = params_of<ops::Conv1dParams>(c);
    p.stride_w = q.stride;
    p.pad_w = q.pad;
    p.dil_w = q.dil;
    p.groups = q.groups;
  }
  Geom g{x.dim(0), x.dim(1), two_d ? x.dim(2) : 1, x.dim(-1), y.dim(1), two_d ? w.dim(2) : 1, w.dim(-1),
         two_d ? y.dim(2) : 1, y.dim(-1), p.stride_h, p.stride_w, p.pad_h, p.pad_w, p.dil_h, p.dil_w, p.groups};
  (void)transpose;
  return g;
}

// The weight as f32 (a converted copy only when stored as f16/bf16).
const float* weight_f32(const Tensor& w, std::unique_ptr<Scratch<float>>& hold) {
  if (w.dtype() == DType::F32) return w.data<float>();
  hold = std::make_unique<Scratch<float>>(static_cast<size_t>(w.numel()));
  float* d = hold->data();
  int64_t n = w.numel();
  parallel_for(n, 1 << 16, [&](int64_t b, int64_t e) {
    row_to_f32(w.dtype(), static_cast<const uint8_t*>(w.host_data()) + b * 2, d + b, e - b);
  });
  return d;
}

void init_bias(float* y, const OpCall& c, const Geom& g, bool has_bias) {
  int64_t P = g.OH * g.OW;
  const float* bias = has_bias ? in_f32(c, 2) : nullptr;
  parallel_for(g.N * g.Co, 4, [&](int64_t b, int64_t e) {
    for (int64_t i = b; i < e; ++i) std::fill(y + i * P, y + (i + 1) * P, bias ? bias[i % g.Co] : 0.0f);
  });
}

void conv_forward(const OpCall& c, bool has_bias) {
  Geom g = geom(c, false);
  std::unique_ptr<Scratch<float>> hold;
  const float* w = weight_f32(c.inputs[1], hold);
  const float* x = in_f32(c, 0);
  float* y = out_f32(c);
  int64_t cig = g.Ci / g.g, cog = g.Co / g.g, kc = cig * g.KH * g.KW, P = g.OH * g.OW, HW = g.H * g.W;
  bool pointwise = g.KH == 1 && g.KW == 1 && g.sh == 1 && g.sw == 1 && g.ph == 0 && g.pw == 0;
  int64_t pc = std::min(P, std::max<int64_t>(64, kColFloats / std::max<int64_t>(kc, 1)));
  std::unique_ptr<Scratch<float>> cols;
  if (!pointwise) cols = std::make_unique<Scratch<float>>(static_cast<size_t>(kc * pc));
  if (has_bias) init_bias(y, c, g, true);
  float beta = has_bias ? 1.0f : 0.0f;
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t gi = 0; gi < g.g; ++gi) {
      const float* xg = x + (n * g.Ci + gi * cig) * HW;
      const float* wg = w + gi * cog * kc;
      float* yg = y + (n * g.Co + gi * cog) * P;
      if (pointwise) {
        sgemm(false, false, cog, P, kc, 1.0f, wg, kc, xg, HW, beta, yg, P);
        continue;
      }
      for (int64_t p0 = 0; p0 < P; p0 += pc) {
        int64_t np = std::min(pc, P - p0);
        float* col = cols->data();
        parallel_for(kc, 1, [&](int64_t rb, int64_t re) {
          for (int64_t r = rb; r < re; ++r) {
            int64_t ci = r / (g.KH * g.KW), kh = (r / g.KW) % g.KH, kw = r % g.KW;
            const float* xc = xg + ci * HW;
            float* dst = col + r * np;
            for (int64_t j = 0; j < np; ++j) {
              int64_t p = p0 + j, oh = p / g.OW, ow = p % g.OW;
              int64_t ih = oh * g.sh - g.ph + kh * g.dh, iw = ow * g.sw - g.pw + kw * g.dw;
              dst[j] = (ih >= 0 && ih < g.H && iw >= 0 && iw < g.W) ? xc[ih * g.W + iw] : 0.0f;
            }
          }
        });
        sgemm(false, false, cog, np, kc, 1.0f, wg, kc, col, np, beta, yg + p0, P);
      }
    }
}

void conv_transposed(const OpCall& c, bool has_bias) {
  Geom g = geom(c, true);
  std::unique_ptr<Scratch<float>> hold;
  const float* w = weight_f32(c.inputs[1], hold);
  const float* x = in_f32(c, 0);
  float* y = out_f32(c);
  int64_t cig = g.Ci / g.g, cog = g.Co / g.g, kk = g.KH * g.KW, kc = cog * kk, HW = g.H * g.W, P = g.OH * g.OW;
  int64_t pc = std::min(HW, std::max<int64_t>(64, kColFloats / std::max<int64_t>(kc, 1)));
  Scratch<float> cols(static_cast<size_t>(kc * pc));
  init_bias(y, c, g, has_bias);
  for (int64_t n = 0; n < g.N; ++n)
    for (int64_t gi = 0; gi < g.g; ++gi) {
      const float* xg = x + (n * g.Ci + gi * cig) * HW;
      const float* wg = w + gi * cig * kc;  // [cig, cog*KH*KW]
      float* yg = y + (n * g.Co + gi * cog) * P;
      for (int64_t p0 = 0; p0 < HW; p0 += pc) {
        int64_t np = std::min(pc, HW - p0);
        float* col = cols.data();
        sgemm(true, false, kc, np, cig, 1.0f, wg, kc, xg + p0, HW, 0.0f, col, np);
        // Each output channel is written by one chunk of the loop: no two threads collide.
        parallel_for(cog, 1, [&](int64_t cb, int64_t ce) {
          for (int64_t co = cb; co < ce; ++co)
            for (int64_t kh = 0; kh < g.KH; ++kh)
              for (int64_t kw = 0; kw < g.KW; ++kw) {
                const float* src = col + ((co * g.KH + kh) * g.KW + kw) * np;
                float* dst = yg + co * P;
                for (int64_t j = 0; j < np; ++j) {
                  int64_t q = p0 + j, ih = q / g.W, iw = q % g.W;
                  int64_t oh = ih * g.sh - g.ph + kh * g.dh, ow = iw * g.sw - g.pw + kw * g.dw;
                  if (oh >= 0 && oh < g.OH && ow >= 0 && ow < g.OW) dst[oh * g.OW + ow] += src[j];
                }
              }
        });
      }
    }
}

void conv2d_kernel(const OpCall& c) { conv_forward(c, params_of<ops::Conv2dParams>(c).has_bias); }
void conv1d_kernel(const OpCall& c) { conv_forward(c, params_of<ops::Conv1dParams>(c).has_bias); }
void convt2d_kernel(const OpCall& c) { conv_transposed(c, params_of<ops::Conv2dParams>(c).has_bias); }
void convt1d_kernel(const OpCall& c) { conv_transposed(c, params_of<ops::Conv1dParams>(c).has_bias); }

VKFLOW_CPU_KERNEL("conv2d", conv2d_kernel, float_type);
VKFLOW_CPU_KERNEL("conv1d", conv1d_kernel, float_type);
VKFLOW_CPU_KERNEL("conv_transpose2d", convt2d_kernel, float_type);
VKFLOW_CPU_KERNEL("conv_transpose1d", convt1d_kernel, float_type);

}  // namespace
}  // namespace vkflow::cpu
