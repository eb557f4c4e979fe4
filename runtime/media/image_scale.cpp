#include "runtime/media/image_scale.hpp"

#include <algorithm>
#include <cmath>

#include "runtime/core/error.hpp"

namespace vkflow::media {
namespace {

// For each output index: the source indices and weights that make it.
struct Taps {
  std::vector<int> start;             // first source index per output
  std::vector<std::vector<float>> w;  // weights for start, start+1, ...
};

double cubic(double x) {
  const double A = -0.75;
  x = std::fabs(x);
  if (x <= 1) return ((A + 2) * x - (A + 3)) * x * x + 1;
  if (x < 2) return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
  return 0;
}

double sinc(double x) {
  if (x == 0) return 1;
  x *= M_PI;
  return std::sin(x) / x;
}
double lanczos3(double x) { return (x > -3 && x < 3) ? sinc(x) * sinc(x / 3) : 0; }

// Taps from a list of (index, weight) pairs with clamped indices merged.
void add_taps(Taps& t, int in, const std::vector<std::pair<int, double>>& pairs) {
  int lo = in, hi = -1;
  for (auto& [i, w] : pairs) {
    int c = std::clamp(i, 0, in - 1);
    lo = std::min(lo, c);
    hi = std::max(hi, c);
  }
  std::vector<float> w(hi - lo + 1, 0.0f);
  for (auto& [i, wt] : pairs) w[std::clamp(i, 0, in - 1) - lo] += static_cast<float>(wt);
  t.start.push_back(lo);
  t.w.push_back(std::move(w));
}

Taps make_taps(int in, int out, ScaleMethod m) {
  Taps t;
  const double scale = double(in) / out;
  for (int o = 0; o < out; ++o) {
    std::vector<std::pair<int, double>> p;
    switch (m) {
      case ScaleMethod::NearestExact:
        p.push_back({std::min(int(std::floor((o + 0.5) * scale)), in - 1), 1.0});
        break;
      case ScaleMethod::Bilinear: {
        double s = std::max((o + 0.5) * scale - 0.5, 0.0);
        int i0 = std::min(int(std::floor(s)), in - 1);
        double f = s - i0;
        p.push_back({i0, 1 - f});
        p.push_back({std::min(i0 + 1, in - 1), f});
        break;
      }
      case ScaleMethod::Bicubic: {
        double s = (o + 0.5) * scale - 0.5;
        int i0 = int(std::floor(s));
        double f = s - i0;
        for (int k = -1; k <= 2; ++k) p.push_back({i0 + k, cubic(k - f)});
        break;
      }
      case ScaleMethod::Area: {
        int a = int(std::floor(o * scale));
        int b = int(std::ceil((o + 1) * scale));
        for (int i = a; i < b; ++i) p.push_back({i, 1.0 / (b - a)});
        break;
      }
      case ScaleMethod::Lanczos: {
        double fs = std::max(scale, 1.0);  // widen the kernel when shrinking (antialias)
        double center = (o + 0.5) * scale;
        int a = int(std::floor(center - 3 * fs)), b = int(std::ceil(center + 3 * fs));
        double sum = 0;
        std::vector<std::pair<int, double>> q;
        for (int i = std::max(a, 0); i < std::min(b, in); ++i) {
          double w = lanczos3((i + 0.5 - center) / fs);
          q.push_back({i, w});
          sum += w;
        }
        for (auto& [i, w] : q) p.push_back({i, sum != 0 ? w / sum : 0});
        break;
      }
    }
    add_taps(t, in, p);
  }
  return t;
}

}  // namespace

ScaleMethod parse_scale_method(const std::string& s) {
  if (s == "nearest-exact") return ScaleMethod::NearestExact;
  if (s == "bilinear") return ScaleMethod::Bilinear;
  if (s == "bicubic") return ScaleMethod::Bicubic;
  if (s == "area") return ScaleMethod::Area;
  if (s == "lanczos") return ScaleMethod::Lanczos;
  throw Error("unknown upscale method '" + s + "'");
}

const std::vector<std::string>& scale_method_names() {
  static const std::vector<std::string> n = {"nearest-exact", "bilinear", "area", "bicubic", "lanczos"};
  return n;
}

Image center_crop_to_aspect(const Image& img, int width, int height) {
  if (width <= 0 || height <= 0 || img.width <= 0 || img.height <= 0) return img;
  double old_aspect = double(img.width) / img.height, new_aspect = double(width) / height;
  int x = 0, y = 0;
  // Python's round() (half to even) as ComfyUI uses it; nearbyint rounds half-even by default.
  if (old_aspect > new_aspect)
    x = int(std::nearbyint((img.width - img.width * (new_aspect / old_aspect)) / 2));
  else if (old_aspect < new_aspect)
    y = int(std::nearbyint((img.height - img.height * (old_aspect / new_aspect)) / 2));
  if (x == 0 && y == 0) return img;
  Image out(img.batch, img.height - 2 * y, img.width - 2 * x, img.channels);
  for (int b = 0; b < img.batch; ++b)
    for (int r = 0; r < out.height; ++r)
      std::copy_n(&img.data[img.index(b, r + y, x, 0)], size_t(out.width) * img.channels, &out.data[out.index(b, r, 0, 0)]);
  return out;
}

Image scale_image(const Image& img, int width, int height, ScaleMethod m,
                  const std::function<void(int64_t, int64_t)>& progress) {
  if (width <= 0 || height <= 0) throw Error("scale_image: target size must be positive");
  if (img.width <= 0 || img.height <= 0) throw Error("scale_image: empty image");
  const int C = img.channels;
  Taps tx = make_taps(img.width, width, m), ty = make_taps(img.height, height, m);
  Image out(img.batch, height, width, C);
  std::vector<float> tmp(size_t(img.height) * width * C);  // horizontal pass result
  for (int b = 0; b < img.batch; ++b) {
    const float* src = img.frame(b);
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < width; ++x)
        for (int c = 0; c < C; ++c) {
          float s = 0;
          const auto& w = tx.w[x];
          const float* p = src + (size_t(y) * img.width + tx.start[x]) * C + c;
          for (size_t k = 0; k < w.size(); ++k) s += w[k] * p[k * C];
          tmp[(size_t(y) * width + x) * C + c] = s;
        }
    float* dst = out.frame(b);
    const size_t row = size_t(width) * C;
    for (int y = 0; y < height; ++y) {
      const auto& w = ty.w[y];
      float* d = dst + y * row;
      std::fill(d, d + row, 0.0f);
      for (size_t k = 0; k < w.size(); ++k) {
        const float* s = tmp.data() + (ty.start[y] + k) * row;
        for (size_t i = 0; i < row; ++i) d[i] += w[k] * s[i];
      }
    }
    if (progress) progress(b + 1, img.batch);
  }
  // Cubic and Lanczos kernels overshoot; images stay in [0, 1] as nodes expect.
  if (m == ScaleMethod::Bicubic || m == ScaleMethod::Lanczos) clamp01(out);
  return out;
}

}  // namespace vkflow::media
