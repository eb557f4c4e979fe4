#include "runtime/models/flux/flux_latent.hpp"

#include "runtime/core/error.hpp"
#include "runtime/ops/layout.hpp"

namespace vkflow::models::flux {

Tensor pack_latent(const Tensor& x) {
  if (x.rank() != 4 || x.dim(2) % 2 || x.dim(3) % 2)
    throw Error("flux: latent must be [B, C, h, w] with even h and w, got " + to_string(x.shape()));
  const int64_t b = x.dim(0), c = x.dim(1), h = x.dim(2) / 2, w = x.dim(3) / 2;
  return ops::permute(x.view({b, c, h, 2, w, 2}), {0, 2, 4, 1, 3, 5}).view({b, h * w, c * 4});
}

Tensor unpack_latent(const Tensor& t, int64_t h, int64_t w) {
  if (t.rank() != 3 || h % 2 || w % 2 || t.dim(1) != (h / 2) * (w / 2) || t.dim(2) % 4)
    throw Error("flux: tokens " + to_string(t.shape()) + " do not unpack to a " + std::to_string(h) + "x" +
                std::to_string(w) + " latent");
  const int64_t b = t.dim(0), c = t.dim(2) / 4;
  return ops::permute(t.view({b, h / 2, w / 2, c, 2, 2}), {0, 3, 1, 4, 2, 5}).view({b, c, h, w});
}

std::vector<float> image_ids(int64_t h, int64_t w) {
  std::vector<float> ids;
  ids.reserve(static_cast<size_t>((h / 2) * (w / 2) * 3));
  for (int64_t r = 0; r < h / 2; ++r)
    for (int64_t col = 0; col < w / 2; ++col) ids.insert(ids.end(), {0.0f, float(r), float(col)});
  return ids;
}

}  // namespace vkflow::models::flux
