#include "tests/flux_text/t5_measure.hpp"

#include <algorithm>

#include "runtime/models/t5/t5_encoder.hpp"
#include "runtime/models/t5/t5_streaming.hpp"
#include "tests/flux_text/fixture.hpp"

namespace vkflow::test {
namespace {

template <class Fn>
uint64_t measured_peak(Device& dev, Fn&& fn) {
  dev.synchronize();
  const uint64_t before = dev.memory().in_use;
  dev.reset_peak();
  fn();
  dev.synchronize();
  return dev.memory().peak - before;
}

}  // namespace

T5Allocation measure_t5(Device& dev, bool streaming) {
  const std::vector<int64_t> ids = flux_ids("t5_input_ids");
  T5Allocation a;
  Tensor out;
  if (streaming) {
    models::T5StreamingEncoder t5(flux_t5_file(), dev);
    a.weight_bytes = t5.resident_bytes();
    for (int64_t i = 0; i < t5.config().layers; ++i) a.block_bytes = std::max(a.block_bytes, t5.block_bytes(i));
    a.run_peak = measured_peak(dev, [&] { out = t5.encode(ids, 2); });
  } else {
    models::T5Encoder t5(flux_t5_file(), dev);
    a.weight_bytes = t5.weight_bytes();
    a.run_peak = measured_peak(dev, [&] { out = t5.encode(ids, 2); });
  }
  return a;
}

std::vector<float> t5_encode(Device& dev, const std::vector<int64_t>& ids) {
  return models::T5Encoder(flux_t5_file(), dev).encode(ids, 1).to_f32();
}

}  // namespace vkflow::test
