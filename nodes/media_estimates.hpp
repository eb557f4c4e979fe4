#pragma once
// Estimate hooks of the image and audio I/O nodes: no weights, only their buffers. Sizes come
// from file headers (PNG IHDR, libsndfile's info) and travel downstream as output metadata:
//   IMAGE: {"shape": [batch, height, width, channels]}   (float32)
//   AUDIO: {"frames": n, "channels": c, "sample_rate": hz} (float32)
// Unknown sizes (a file that does not exist yet, an upstream node without metadata) give
// zero-byte estimates rather than errors: the executor reports bad files when it runs.
#include "nodes/estimate.hpp"

namespace vkflow::nodes {

Estimate estimate_load_image(EstimateContext& ctx);    // input "image": PNG path
Estimate estimate_save_image(EstimateContext& ctx);    // input "images"
Estimate estimate_image_scale(EstimateContext& ctx);   // "image", "width", "height"
Estimate estimate_image_same(EstimateContext& ctx);    // "image" -> same-size "image"
Estimate estimate_load_audio(EstimateContext& ctx);    // input "audio": file path
Estimate estimate_save_audio(EstimateContext& ctx);    // input "audio"
Estimate estimate_audio_resample(EstimateContext& ctx);  // "audio", "sample_rate"
Estimate estimate_audio_to_mono(EstimateContext& ctx);
Estimate estimate_audio_same(EstimateContext& ctx);    // gain, normalize

}  // namespace vkflow::nodes
