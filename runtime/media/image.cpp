#include "runtime/media/image.hpp"

#include <algorithm>

#include "runtime/core/error.hpp"

namespace vkflow::media {

Image::Image(int b, int h, int w, int c, float fill)
    : batch(b), height(h), width(w), channels(c) {
  if (b < 0 || h < 0 || w < 0 || c < 1 || c > 4) throw Error("image: invalid shape");
  data.assign(size_t(b) * h * w * c, fill);
}

Image mask_from_alpha(const Image& img) {
  Image m(img.batch, img.height, img.width, 1, 0.0f);
  bool has_alpha = img.channels == 2 || img.channels == 4;
  if (!has_alpha) return m;
  int a = img.channels - 1;
  for (int b = 0; b < img.batch; ++b)
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x) m.at(b, y, x, 0) = 1.0f - img.at(b, y, x, a);
  return m;
}

Image with_channels(const Image& img, int n) {
  if (img.channels == n) return img;
  Image out(img.batch, img.height, img.width, n, 1.0f);
  bool gray = img.channels <= 2;
  for (int b = 0; b < img.batch; ++b)
    for (int y = 0; y < img.height; ++y)
      for (int x = 0; x < img.width; ++x)
        for (int c = 0; c < n; ++c) {
          if (c < 3) {
            int src = gray ? 0 : std::min(c, img.channels - 1);
            if (!gray && c >= img.channels) continue;
            out.at(b, y, x, c) = img.at(b, y, x, src);
          } else if (img.channels == 4 || img.channels == 2) {
            out.at(b, y, x, c) = img.at(b, y, x, img.channels - 1);
          }
        }
  return out;
}

void clamp01(Image& img) {
  for (float& v : img.data) v = std::clamp(v, 0.0f, 1.0f);
}

}  // namespace vkflow::media
