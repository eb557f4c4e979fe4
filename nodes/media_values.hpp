#pragma once
// Run-time values wrapping runtime/media containers: IMAGE, MASK and AUDIO.
#include <memory>
#include <string_view>

#include "graph/node_schema.hpp"
#include "nodes/value.hpp"
#include "runtime/media/audio.hpp"
#include "runtime/media/image.hpp"

namespace vkflow::nodes {

struct ImageValue : Object {
  explicit ImageValue(media::Image i) : image(std::move(i)) {}
  std::string_view type() const override { return graph::types::IMAGE; }
  uint64_t host_bytes() const override { return image.bytes(); }
  media::Image image;
};

// A mask is a 1-channel image (batch x H x W), 1 = masked.
struct MaskValue : Object {
  explicit MaskValue(media::Image m) : mask(std::move(m)) {}
  std::string_view type() const override { return graph::types::MASK; }
  uint64_t host_bytes() const override { return mask.bytes(); }
  media::Image mask;
};

struct AudioValue : Object {
  explicit AudioValue(media::Audio a) : audio(std::move(a)) {}
  std::string_view type() const override { return graph::types::AUDIO; }
  uint64_t host_bytes() const override { return audio.bytes(); }
  media::Audio audio;
};

}  // namespace vkflow::nodes
