#include "runtime/media/resample.hpp"

#include <samplerate.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "runtime/core/error.hpp"

namespace vkflow::media {
namespace {

struct StateDeleter {
  void operator()(SRC_STATE* s) const { src_delete(s); }
};

constexpr long kBlock = 1 << 14;  // input frames per call: bounds progress/cancel latency

std::vector<float> resample_channel(const std::vector<float>& in, double ratio, int64_t out_len,
                                    const std::function<void(long)>& on_block) {
  int err = 0;
  std::unique_ptr<SRC_STATE, StateDeleter> st(src_new(SRC_SINC_BEST_QUALITY, 1, &err));
  if (!st) throw Error(std::string("libsamplerate: ") + src_strerror(err));
  std::vector<float> out(static_cast<size_t>(out_len + 64), 0.0f);
  long in_pos = 0, out_pos = 0;
  const long n = static_cast<long>(in.size());
  // Drive the converter until it has flushed everything (end_of_input on the last block).
  while (true) {
    long chunk = std::min(kBlock, n - in_pos);
    if (out_pos + 4096 + long(chunk * ratio) > long(out.size())) out.resize(out_pos + 4096 + long(chunk * ratio) * 2);
    SRC_DATA d{};
    d.data_in = in.data() + in_pos;
    d.input_frames = chunk;
    d.data_out = out.data() + out_pos;
    d.output_frames = static_cast<long>(out.size()) - out_pos;
    d.src_ratio = ratio;
    d.end_of_input = (in_pos + chunk >= n) ? 1 : 0;
    if (int e = src_process(st.get(), &d)) throw Error(std::string("libsamplerate: ") + src_strerror(e));
    in_pos += d.input_frames_used;
    out_pos += d.output_frames_gen;
    if (d.input_frames_used > 0) on_block(in_pos);
    if (d.end_of_input && d.output_frames_gen == 0 && in_pos >= n) break;
  }
  out.resize(static_cast<size_t>(out_len), 0.0f);  // trims the filter tail or pads a missing sample
  return out;
}

}  // namespace

Audio resample(const Audio& a, int new_rate, const std::function<void(int64_t, int64_t)>& progress) {
  check_audio(a, "resample");
  if (new_rate <= 0) throw Error("resample: target sample rate must be positive");
  Audio out;
  out.sample_rate = new_rate;
  if (new_rate == a.sample_rate) {
    out.channels = a.channels;
    return out;
  }
  const double ratio = double(new_rate) / a.sample_rate;
  if (!src_is_valid_ratio(ratio)) throw Error("resample: ratio " + std::to_string(ratio) + " is outside libsamplerate's range");
  const int64_t out_len = std::llround(double(a.frames()) * ratio);
  const int64_t total = a.frames() * a.num_channels();
  int64_t done_before = 0;
  for (const auto& ch : a.channels) {
    out.channels.push_back(resample_channel(ch, ratio, out_len, [&](long pos) {
      if (progress) progress(done_before + pos, total);
    }));
    done_before += a.frames();
  }
  return out;
}

}  // namespace vkflow::media
