#include <gtest/gtest.h>

#include "runtime/formats/canonical_names.hpp"
#include "runtime/formats/detect.hpp"
#include "tests/formats/manifest_util.hpp"

using namespace vkflow;
using namespace vkflow::formats;

namespace {
Detection detect_manifest(const std::string& file) {
  return detect(test::manifest_tensors(file), nlohmann::json::object(), "safetensors");
}
std::vector<TensorInfo> with_prefix(std::vector<TensorInfo> v, const std::string& p) {
  for (auto& t : v) t.name = p + t.name;
  return v;
}
}  // namespace

TEST(Detect, FullSizeManifests) {
  auto sd = detect_manifest("sd15_v1-5-pruned-emaonly-fp16.safetensors.json");
  EXPECT_EQ(sd.arch, arch::kSd15);
  EXPECT_EQ(sd.variant["family"], "sd1");
  EXPECT_EQ(sd.variant["context_dim"], 768);
  EXPECT_TRUE(sd.supported());

  auto flux = detect_manifest("flux1-schnell.safetensors.json");
  EXPECT_EQ(flux.arch, arch::kFlux);
  EXPECT_EQ(flux.variant["flavor"], "schnell");
  EXPECT_EQ(flux.variant["double_blocks"], 19);
  EXPECT_EQ(flux.variant["single_blocks"], 38);
  EXPECT_EQ(flux.variant["hidden_size"], 3072);

  // FLUX dev = schnell + guidance_in.
  auto dev_t = test::manifest_tensors("flux1-schnell.safetensors.json");
  dev_t.push_back({"guidance_in.in_layer.weight", DType::BF16, {3072, 256}});
  EXPECT_EQ(detect(dev_t, {}, "safetensors").variant["flavor"], "dev");

  auto t5 = detect_manifest("t5xxl_fp16.safetensors.json");
  EXPECT_EQ(t5.arch, arch::kT5);
  EXPECT_EQ(t5.variant["d_model"], 4096);
  EXPECT_EQ(t5.variant["layers"], 24);

  auto clip = detect_manifest("clip_l.safetensors.json");
  EXPECT_EQ(clip.arch, arch::kClip);
  EXPECT_EQ(clip.variant["kind"], "clip_l");
  EXPECT_EQ(clip.variant["layers"], 12);

  auto ae = detect_manifest("flux_ae.safetensors.json");
  EXPECT_EQ(ae.arch, arch::kFluxAe);
  EXPECT_EQ(ae.variant["z_channels"], 16);

  auto rmvpe = detect_manifest("rmvpe.pt.json");
  EXPECT_EQ(rmvpe.arch, arch::kRmvpe);

  auto rvc = detect_manifest("rvc_v2_40k.pth.json");
  EXPECT_EQ(rvc.arch, arch::kRvc);
  EXPECT_EQ(rvc.variant["version"], "v2");
  EXPECT_EQ(rvc.variant["speakers"], 109);

  auto hubert = detect_manifest("contentvec_applio_pytorch_model.bin.json");
  EXPECT_EQ(hubert.arch, arch::kHubert);
  EXPECT_EQ(hubert.variant["layers"], 12);
  EXPECT_EQ(hubert.variant["final_proj_dim"], 256);
}

TEST(Detect, PrefixedClipAndSdcppFluxStripToCanonical) {
  auto clip = test::manifest_tensors("clip_l.safetensors.json");
  for (const char* p : {"cond_stage_model.transformer.", "text_encoders.clip_l.transformer."}) {
    auto d = detect(with_prefix(clip, p), {}, "safetensors");
    EXPECT_EQ(d.arch, arch::kClip) << p;
    EXPECT_EQ(d.prefix, p);
    EXPECT_EQ(canonical_name(d, std::string(p) + "text_model.final_layer_norm.weight"), "text_model.final_layer_norm.weight");
  }
  auto flux = with_prefix(test::manifest_tensors("flux1-schnell.safetensors.json"), "model.diffusion_model.");
  auto d = detect(flux, {}, "gguf");
  EXPECT_EQ(d.arch, arch::kFlux);
  EXPECT_EQ(canonical_name(d, "model.diffusion_model.img_in.weight"), "img_in.weight");
  EXPECT_EQ(canonical_name(d, "vae.decoder.conv_in.weight"), std::nullopt);  // other bundle part
}

TEST(Detect, WhisperHfFolderNamesMapToOpenAiNames) {
  auto d = detect(test::manifest_tensors("whisper_tiny_hf.json"), {}, "safetensors");
  EXPECT_EQ(d.arch, arch::kWhisper);
  EXPECT_EQ(d.layout, "hf");
  EXPECT_EQ(d.variant["n_mels"], 80);
  EXPECT_EQ(d.variant["n_vocab"], 51865);
  EXPECT_EQ(d.variant["multilingual"], true);
  EXPECT_EQ(d.variant["encoder_layers"], 2);
  EXPECT_EQ(canonical_name(d, "model.encoder.layers.1.self_attn.q_proj.weight"), "encoder.blocks.1.attn.query.weight");
  EXPECT_EQ(canonical_name(d, "model.decoder.layers.0.encoder_attn.out_proj.bias"), "decoder.blocks.0.cross_attn.out.bias");
  EXPECT_EQ(canonical_name(d, "model.decoder.layers.0.encoder_attn_layer_norm.weight"), "decoder.blocks.0.cross_attn_ln.weight");
  EXPECT_EQ(canonical_name(d, "model.encoder.layers.0.fc2.weight"), "encoder.blocks.0.mlp.2.weight");
  EXPECT_EQ(canonical_name(d, "model.encoder.layer_norm.bias"), "encoder.ln_post.bias");
  EXPECT_EQ(canonical_name(d, "model.decoder.embed_positions.weight"), "decoder.positional_embedding");
  EXPECT_EQ(canonical_name(d, "proj_out.weight"), std::nullopt);

  // The whisper.cpp manifest's names are the canonical ones already.
  auto ggml = test::manifest_tensors("whisper_ggml-large-v3-turbo.bin.json");
  nlohmann::json hp = {{"n_mels", 128}, {"n_vocab", 51866}, {"n_audio_layer", 32}, {"n_text_layer", 4}, {"n_audio_state", 1280}};
  auto g = detect(ggml, hp, "whisper-ggml");
  EXPECT_EQ(g.variant["size"], "large-v3-turbo");
  EXPECT_EQ(g.variant["n_mels"], 128);
}

TEST(Detect, UnknownNamesAreReported) {
  std::vector<TensorInfo> t = {{"foo.weight", DType::F32, {2, 2}}};
  auto d = detect(t, {}, "safetensors");
  EXPECT_EQ(d.arch, arch::kUnknown);
  EXPECT_FALSE(d.supported());
  EXPECT_FALSE(d.problems.empty());
}
