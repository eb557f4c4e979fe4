#pragma once
// Sample-rate conversion through libsamplerate (SRC_SINC_BEST_QUALITY), channel by channel.
#include <functional>

#include "runtime/media/audio.hpp"

namespace vkflow::media {

// `progress(done, total)` is called after each block of input frames (all channels); it may
// throw (e.g. Cancelled) to stop. Output length is round(frames * new_rate / old_rate).
Audio resample(const Audio& a, int new_rate,
               const std::function<void(int64_t, int64_t)>& progress = {});

}  // namespace vkflow::media
