#pragma once
// Whisper's input: any audio file libsndfile reads, mixed down to mono and resampled to
// 16 kHz (runtime/media does the reading and libsamplerate resampling).
#include <filesystem>
#include <vector>

namespace vkflow::dsp {

// Throws vkflow::FormatError naming the file when it cannot be opened or decoded.
std::vector<float> load_audio_16k_mono(const std::filesystem::path& path);

}  // namespace vkflow::dsp
