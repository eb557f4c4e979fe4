// Model-family estimators against formula-level numbers worked out by hand.
#include <gtest/gtest.h>

#include "runtime/core/error.hpp"
#include "runtime/models/flux_estimate.hpp"
#include "runtime/models/model_header.hpp"
#include "runtime/models/text_encoder_estimate.hpp"
#include "runtime/models/vae_estimate.hpp"
#include "runtime/models/whisper_estimate.hpp"
#include "sparse_models.hpp"

using namespace vkflow;
using namespace vkflow::models;
using namespace vkflow::test;

namespace {
// A header straight from a manifest (the whisper .bin reader is the formats helper's).
ModelHeader from_manifest(const std::string& file) {
  ModelHeader h;
  h.path = file;
  h.format = "manifest";
  for (const auto& t : manifest_tensors(read_manifest(file))) {
    formats::TensorInfo ti;
    ti.name = t.name;
    ti.shape = t.shape;
    ti.dtype = t.dtype;
    ti.nbytes = dtype_bytes(t.dtype, numel(t.shape));
    h.tensors.push_back(ti);
  }
  return h;
}
constexpr double MiB = 1 << 20;
}  // namespace

TEST(Estimate, WhisperDimsFromShapes) {
  auto base = whisper_dims(from_manifest("whisper_ggml-base.bin.json"));
  EXPECT_EQ(base.n_audio_state, 512);
  EXPECT_EQ(base.n_audio_layer, 6);
  EXPECT_EQ(base.n_mels, 80);
  EXPECT_EQ(base.n_vocab, 51865);
  auto turbo = whisper_dims(from_manifest("whisper_ggml-large-v3-turbo.bin.json"));
  EXPECT_EQ(turbo.n_audio_state, 1280);
  EXPECT_EQ(turbo.n_audio_layer, 32);
  EXPECT_EQ(turbo.n_text_layer, 4);
  EXPECT_EQ(turbo.n_mels, 128);
}

TEST(Estimate, WhisperTurboMemoryAndOptions) {
  auto h = from_manifest("whisper_ggml-large-v3-turbo.bin.json");
  auto v = whisper_estimate(h, {36.97, 1, 4}, DeviceKind::Vulkan);
  ASSERT_EQ(v.size(), 1u);  // tiled attention: no score matrix, no chunk options
  // f16 2-D weights + f32 vectors: ~1.6 GB.
  EXPECT_NEAR(v[0].weight_bytes() / MiB, (805798400.0 * 2 + 3079680.0 * 4) / MiB, 1);
  // Two windows: the second window's prompt forward (4 SOT tokens + up to 224 of previous
  // text) gives the largest buffer, its logits: 228 x 51866 f32.
  EXPECT_NEAR(v[0].largest_alloc / MiB, 228.0 * 51866 * 4 / MiB, 0.5);
  // The encoder's MLP at 1500 x 1280: the block input, the normed input, fc1 and its GELU
  // (4 x each) and fc2 at once, beside the window's mel: the peak is at least that.
  EXPECT_GT(v[0].peak_bytes, (11.0 * 1500 * 1280 + 128.0 * 3000) * 4);
  // Two 30 s windows: twice the work of one.
  auto one = whisper_estimate(h, {30, 1, 4}, DeviceKind::Vulkan);
  EXPECT_NEAR(v[0].flops / one[0].flops, 2.0, 1e-9);
  // Beam 5 grows the self-attention KV cache and logits, not the weights.
  auto beam = whisper_estimate(h, {30, 5, 4}, DeviceKind::Vulkan);
  EXPECT_EQ(beam[0].weight_bytes(), one[0].weight_bytes());
  EXPECT_GT(beam[0].peak_bytes, one[0].peak_bytes);
  EXPECT_EQ(beam[0].label, "full attention, beam 5");
  EXPECT_THROW(whisper_estimate(h, {0, 1, 4}, DeviceKind::Cpu), Error);
}

TEST(Estimate, VaeTilesShrinkPeakAndCostTime) {
  auto ae = from_manifest("flux_ae.safetensors.json");
  auto v = vae_decode_estimate(ae, "", {128, 128, 1, 4, std::nullopt, 8}, DeviceKind::Vulkan);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].label, "full");
  EXPECT_EQ(v[1].label, "tile 64/8");
  EXPECT_EQ(v[2].label, "tile 32/8");
  // Full decode at 1024x1024: the first full-resolution resnet's conv1 runs while its
  // 256-channel input, that input's group norm and silu (temporaries of one expression) and
  // its 128-channel output are live: (3*256 + 128) x 1024^2 x 4 B = 3.5 GiB, plus the latent.
  double expect = (3 * 256 + 128) * 1024.0 * 1024 * 4 + 16 * 128 * 128 * 4.0;
  EXPECT_NEAR(v[0].peak_bytes, expect, 1);
  EXPECT_LT(v[1].peak_bytes, v[0].peak_bytes / 2);
  EXPECT_LT(v[2].peak_bytes, v[1].peak_bytes);
  // Overlaps are decoded twice: 9 tiles of 64 (stride 56) cover 2.25x the latent, 25 of 32 1.56x.
  EXPECT_NEAR(v[1].flops / v[0].flops, 2.25, 0.1);
  EXPECT_GT(v[2].flops, v[0].flops);
  EXPECT_EQ(v[1].note, "decoded in 9 overlapping tiles");
  // A user-chosen tile gives exactly that option; the tile must exceed the overlap.
  auto t = vae_decode_estimate(ae, "", {128, 128, 1, 4, 48, 8}, DeviceKind::Cpu);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].options["tile"], 48);
  EXPECT_THROW(vae_decode_estimate(ae, "", {128, 128, 1, 4, 8, 8}, DeviceKind::Cpu), Error);
  EXPECT_THROW(vae_decode_estimate(ae, "first_stage_model.", {128, 128, 1, 4, std::nullopt, 8}, DeviceKind::Cpu),
               FormatError);
}

TEST(Estimate, T5StreamsOnlyOnTheGpu) {
  auto t5 = from_manifest("t5xxl_fp16.safetensors.json");
  auto cpu = t5_encoder_estimate(t5, "", {256, 1, 4}, DeviceKind::Cpu);
  auto gpu = t5_encoder_estimate(t5, "", {256, 1, 4}, DeviceKind::Vulkan);
  ASSERT_EQ(cpu.size(), 1u);
  ASSERT_EQ(gpu.size(), 2u);
  EXPECT_TRUE(gpu[1].weights[0].on_host);
  EXPECT_EQ(gpu[1].weights[0].model, cpu[0].weights[0].model);  // one identity: shared residency
  // One T5-XXL block: 4 x 4096^2 attention + 3 x 4096 x 10240 FFN (+ norms, 1 block has the
  // relative position bias) in f16; two buffers.
  double block = (4.0 * 4096 * 4096 + 3.0 * 4096 * 10240) * 2;
  EXPECT_NEAR(static_cast<double>(gpu[1].peak_bytes - gpu[0].peak_bytes), 2 * block, 2 * 64 * 1024);
  EXPECT_NEAR(gpu[1].host_transfer, 4762310656.0 * 2 - 32128.0 * 4096 * 2, 1e6);
}

TEST(Estimate, FluxTokensAndTiledAttention) {
  auto dit = from_manifest("flux1-schnell.safetensors.json");  // BF16 as released
  auto v = flux_dit_estimate(dit, {1024, 1024, 256, 1, 4, 4}, DeviceKind::Vulkan);
  ASSERT_EQ(v.size(), 1u);  // tiled attention: no score matrix, no chunk options
  // 4096 image + 256 text tokens: the largest buffer is linear1's output, 4352 x 21504 f32.
  EXPECT_NEAR(v[0].largest_alloc, 4352.0 * 21504 * 4, 1);
  // bf16 weights; the 1-D ones (biases, norm scales: 3079232 values) held in f32; each
  // tensor one allocation rounded up to 256 B (under 1000 tensors).
  EXPECT_GE(v[0].weight_bytes(), 11891178560.0 * 2 + 3079232.0 * 2);
  EXPECT_NEAR(v[0].weight_bytes(), 11891178560.0 * 2 + 3079232.0 * 2, 1000 * 256);
  EXPECT_GT(v[0].peak_bytes, v[0].largest_alloc);
  EXPECT_LT(v[0].peak_bytes, 3 * v[0].largest_alloc);
  EXPECT_THROW(flux_dit_estimate(dit, {1000, 1024, 256, 1, 4, 4}, DeviceKind::Cpu), Error);
  auto clip = from_manifest("clip_l.safetensors.json");
  auto c = clip_text_estimate(clip, "text_model.", {77, 1, 4}, DeviceKind::Vulkan);
  // 123 M parameters in f16, but the vectors (biases, norm scales: ~0.12 M) are held in f32.
  EXPECT_NEAR(static_cast<double>(c[0].weight_bytes()), 123060480.0 * 2, 0.5 * MiB);
  EXPECT_GT(c[0].weight_bytes(), 123060480u * 2);
}
