#include "runtime/sampling/torch_linspace.hpp"

// Bit-exact reproduction needs every multiply and add rounded separately (no contraction
// into FMA, even under -march=native); GCC in ISO C++ mode already does this.
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#endif

#include "runtime/core/error.hpp"

namespace vkflow::sampling {

namespace {
template <typename T, int64_t kLanes>
std::vector<T> linspace(T start, T end, int64_t steps) {
  if (steps < 0) throw Error("linspace: negative number of steps");
  std::vector<T> out(static_cast<size_t>(steps));
  if (steps == 0) return out;
  if (steps == 1) {
    out[0] = start;
    return out;
  }
  const T step = (end - start) / static_cast<T>(steps - 1);
  const int64_t halfway = steps / 2;
  auto first = [&](int64_t idx) -> T {
    return idx < halfway ? start + step * static_cast<T>(idx)
                         : end - step * static_cast<T>(steps - idx - 1);
  };
  int64_t i = 0;
  // Vectorised part: each vector of kLanes starts at first(idx) and adds k*step.
  for (; i + 2 * kLanes <= steps; i += 2 * kLanes) {
    for (int64_t v = 0; v < 2; ++v) {
      const int64_t base_idx = i + v * kLanes;
      const T base = first(base_idx);
      for (int64_t k = 0; k < kLanes; ++k) {
        out[static_cast<size_t>(base_idx + k)] = k == 0 ? base : base + static_cast<T>(k) * step;
      }
    }
  }
  for (; i < steps; ++i) out[static_cast<size_t>(i)] = first(i);
  return out;
}
}  // namespace

std::vector<float> torch_linspace_f32(float start, float end, int64_t steps) {
  return linspace<float, 8>(start, end, steps);
}

std::vector<double> torch_linspace_f64(double start, double end, int64_t steps) {
  return linspace<double, 4>(start, end, steps);
}

std::vector<double> numpy_linspace(double start, double stop, int64_t num, bool endpoint) {
  if (num < 0) throw Error("linspace: negative number of samples");
  std::vector<double> out(static_cast<size_t>(num));
  const int64_t div = endpoint ? num - 1 : num;
  if (num == 0) return out;
  const double delta = stop - start;
  const double step = div > 0 ? delta / static_cast<double>(div) : 0.0;
  for (int64_t i = 0; i < num; ++i) {
    const double y = step == 0.0 && div > 0 ? static_cast<double>(i) / div * delta
                                            : static_cast<double>(i) * step;
    out[static_cast<size_t>(i)] = y + start;
  }
  if (endpoint && num > 1) out.back() = stop;
  return out;
}

}  // namespace vkflow::sampling
