#pragma once
// torch.linspace and numpy.linspace with their exact rounding. Schedules are built from these,
// and their last bits decide whether sigmas match the Python references bit for bit.
#include <cstdint>
#include <vector>

namespace vkflow::sampling {

// torch.linspace(start, end, steps) on the CPU for float32 (Vec = 8 lanes) or float64 (4 lanes):
// the first half counts up from start, the second half down from end; vectorised blocks of
// 2*lanes elements extend their first element by k*step, as ATen's AVX2 kernel does.
std::vector<float> torch_linspace_f32(float start, float end, int64_t steps);
std::vector<double> torch_linspace_f64(double start, double end, int64_t steps);

// numpy.linspace(start, stop, num, endpoint): i*step + start (last = stop when endpoint).
std::vector<double> numpy_linspace(double start, double stop, int64_t num, bool endpoint = true);

}  // namespace vkflow::sampling
