#include "runtime/sampling/model_output.hpp"

#include <cmath>

namespace vkflow::sampling {

void denoised_from_output(std::span<const float> x, std::span<const float> model_output, double sigma,
                          std::span<float> dst) {
  if (x.size() != model_output.size() || dst.size() != x.size())
    throw Error("denoised_from_output: size mismatch");
  const float s = static_cast<float>(sigma);
  for (size_t i = 0; i < x.size(); ++i) dst[i] = x[i] - model_output[i] * s;
}

double model_input_scale(Prediction p, double sigma) {
  return p == Prediction::Flow ? 1.0 : 1.0 / std::sqrt(sigma * sigma + 1.0);
}

}  // namespace vkflow::sampling
