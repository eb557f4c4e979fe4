#pragma once
// Text encoders: CLIP (SD1.5's, FLUX's CLIP-L) and T5 v1.1 encoders (FLUX's T5-XXL). Widths,
// depths and vocabulary come from the header; the token count from the pipeline (77 for CLIP,
// 256 for FLUX.1-schnell's T5). T5 offers weight streaming: the weights stay in host RAM and
// travel to the GPU one block at a time (double-buffered) when the model does not fit whole.
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/models/footprint.hpp"
#include "runtime/models/model_header.hpp"

namespace vkflow::models {

struct TextEncodeRequest {
  int64_t tokens = 77;   // sequence length after padding
  int batch = 1;         // prompts encoded together (positive + negative = 2)
  int act_bytes = 4;
};

// `prefix`: "text_model." in clip_l.safetensors, "cond_stage_model.transformer.text_model." in
// an SD checkpoint.
std::vector<Footprint> clip_text_estimate(const ModelHeader& h, const std::string& prefix,
                                          const TextEncodeRequest& r, DeviceKind device);
// `prefix`: "" for t5xxl_*.safetensors (names "encoder.block.N...", "shared.weight").
std::vector<Footprint> t5_encoder_estimate(const ModelHeader& h, const std::string& prefix,
                                           const TextEncodeRequest& r, DeviceKind device);

}  // namespace vkflow::models
