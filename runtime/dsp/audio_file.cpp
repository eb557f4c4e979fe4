#include "runtime/dsp/audio_file.hpp"

#include "runtime/media/audio.hpp"
#include "runtime/media/audio_io.hpp"
#include "runtime/media/resample.hpp"

namespace vkflow::dsp {

std::vector<float> load_audio_16k_mono(const std::filesystem::path& path) {
  media::Audio a = media::mix_to_mono(media::read_audio(path));
  if (a.sample_rate != 16000) a = media::resample(a, 16000);
  return std::move(a.channels.at(0));
}

}  // namespace vkflow::dsp
