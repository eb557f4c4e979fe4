#version 450
// Average pooling over the last two dims of [N, C, H, W] (1-D: H = 1).
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
layout(std430, binding = 0) readonly buffer X { float x[]; };
layout(std430, binding = 1) writeonly buffer Y { float y[]; };
layout(push_constant) uniform P { uint n, H, W, OH, OW, kh, kw, sh, sw; int ph, pw; uint include_pad; } p;

void main() {
  uint i = flat_index();
  if (i >= p.n) return;
  uint ox = i % p.OW, oy = (i / p.OW) % p.OH, plane = i / (p.OW * p.OH);
  int y0 = int(oy * p.sh) - p.ph, x0 = int(ox * p.sw) - p.pw;
  float s = 0.0;
  uint cnt = 0;
  for (int ky = 0; ky < int(p.kh); ++ky)
    for (int kx = 0; kx < int(p.kw); ++kx) {
      int yy = y0 + ky, xx = x0 + kx;
      if (yy < 0 || xx < 0 || yy >= int(p.H) || xx >= int(p.W)) continue;
      s += x[(plane * p.H + uint(yy)) * p.W + uint(xx)];
      ++cnt;
    }
  // With padding counted, the divisor is the window clipped to the padded input.
  int ye = min(y0 + int(p.kh), int(p.H) + p.ph), xe = min(x0 + int(p.kw), int(p.W) + p.pw);
  float div = p.include_pad != 0u ? float((ye - y0) * (xe - x0)) : float(max(cnt, 1u));
  y[i] = s / div;
}
