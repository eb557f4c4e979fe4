#pragma once
// Image resizing with ComfyUI's methods (ImageScale / common_upscale), done separably in
// float32: nearest-exact, bilinear and bicubic follow torch.nn.functional.interpolate
// (align_corners=False, no antialias, bicubic A = -0.75), area = adaptive average pooling,
// lanczos = Lanczos-3 with PIL's antialiased support (ComfyUI goes through 8-bit PIL; we
// stay in float and clamp to [0, 1]).
#include <functional>
#include <string>
#include <vector>

#include "runtime/media/image.hpp"

namespace vkflow::media {

enum class ScaleMethod { NearestExact, Bilinear, Bicubic, Area, Lanczos };
// Names as in ComfyUI ("nearest-exact", "bilinear", "bicubic", "area", "lanczos").
ScaleMethod parse_scale_method(const std::string& s);
const std::vector<std::string>& scale_method_names();

// Crops the largest centred region with the target's aspect ratio (ComfyUI crop="center").
Image center_crop_to_aspect(const Image& img, int width, int height);

// Resizes every frame to width x height. `progress(frame_done, frames)` after each frame.
Image scale_image(const Image& img, int width, int height, ScaleMethod m,
                  const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace vkflow::media
