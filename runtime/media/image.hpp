#pragma once
// Images as ComfyUI passes them between nodes: a batch of H x W x C float32 pixels in [0, 1],
// channels interleaved (C = 1 gray/mask, 3 RGB, 4 RGBA), batch-major.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vkflow::media {

struct Image {
  int batch = 0, height = 0, width = 0, channels = 0;
  std::vector<float> data;  // batch * height * width * channels

  Image() = default;
  Image(int batch, int height, int width, int channels, float fill = 0.0f);

  size_t frame_size() const { return size_t(height) * width * channels; }
  size_t index(int b, int y, int x, int c) const {
    return ((size_t(b) * height + y) * width + x) * channels + c;
  }
  float& at(int b, int y, int x, int c) { return data[index(b, y, x, c)]; }
  float at(int b, int y, int x, int c) const { return data[index(b, y, x, c)]; }
  float* frame(int b) { return data.data() + size_t(b) * frame_size(); }
  const float* frame(int b) const { return data.data() + size_t(b) * frame_size(); }
  uint64_t bytes() const { return data.size() * sizeof(float); }
};

// The alpha channel as a 1-channel mask (ComfyUI's LoadImage convention: mask = 1 - alpha,
// so opaque pixels are 0). An image without alpha gives an all-zero mask of its size.
Image mask_from_alpha(const Image& img);
// Keeps channels [0, n) (e.g. RGBA -> RGB); gray is expanded to RGB when n == 3.
Image with_channels(const Image& img, int n);
// Clamps every value to [0, 1].
void clamp01(Image& img);

}  // namespace vkflow::media
