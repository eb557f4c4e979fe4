// Cache serializers for IMAGE, MASK and AUDIO values.
#include "nodes/media_values.hpp"
#include "nodes/value_codec.hpp"
#include "runtime/core/error.hpp"

namespace vkflow::nodes {
namespace {

void write_image(const media::Image& im, std::ostream& o) {
  for (int v : {im.batch, im.height, im.width, im.channels}) write_pod<int32_t>(o, v);
  write_floats(o, im.data);
}

media::Image read_image(std::istream& i) {
  int32_t b = read_pod<int32_t>(i), h = read_pod<int32_t>(i), w = read_pod<int32_t>(i), c = read_pod<int32_t>(i);
  media::Image im;
  im.batch = b, im.height = h, im.width = w, im.channels = c;
  im.data = read_floats(i);
  if (b < 0 || h < 0 || w < 0 || c < 1 || c > 4 || im.data.size() != size_t(b) * h * w * c)
    throw Error("serialized image has inconsistent dimensions");
  return im;
}

const CodecRegistrar image_codec({std::string(graph::types::IMAGE),
    [](const Object& o, std::ostream& out) { write_image(static_cast<const ImageValue&>(o).image, out); },
    [](std::istream& in) -> std::shared_ptr<const Object> { return std::make_shared<const ImageValue>(read_image(in)); }});

const CodecRegistrar mask_codec({std::string(graph::types::MASK),
    [](const Object& o, std::ostream& out) { write_image(static_cast<const MaskValue&>(o).mask, out); },
    [](std::istream& in) -> std::shared_ptr<const Object> { return std::make_shared<const MaskValue>(read_image(in)); }});

const CodecRegistrar audio_codec({std::string(graph::types::AUDIO),
    [](const Object& o, std::ostream& out) {
      const auto& a = static_cast<const AudioValue&>(o).audio;
      write_pod<int32_t>(out, a.sample_rate);
      write_pod<uint32_t>(out, uint32_t(a.channels.size()));
      for (const auto& c : a.channels) write_floats(out, c);
    },
    [](std::istream& in) -> std::shared_ptr<const Object> {
      media::Audio a;
      a.sample_rate = read_pod<int32_t>(in);
      uint32_t n = read_pod<uint32_t>(in);
      if (n > 4096) throw Error("serialized audio has an impossible channel count");
      for (uint32_t k = 0; k < n; ++k) a.channels.push_back(read_floats(in));
      media::check_audio(a, "serialized audio");
      return std::make_shared<const AudioValue>(std::move(a));
    }});

}  // namespace
}  // namespace vkflow::nodes
