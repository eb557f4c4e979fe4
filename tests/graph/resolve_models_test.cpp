// Model names resolve against a ComfyUI-style models folder, subfolders and absolute paths.
#include <gtest/gtest.h>

#include "graph/resolve_models.hpp"
#include "tests/graph/helpers.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;

TEST(ResolveModels, AliasFoldersSubfoldersAndAbsolutePaths) {
  auto m = make_models_dir("models_alias", {"unet/flux1-schnell.safetensors", "clip/t5xxl_fp8.safetensors",
                                            "voices/alice.pth", "diffusion_models/both.gguf", "unet/both.gguf",
                                            "checkpoints/sd15/x.safetensors", "whisper/ggml-base.bin"});
  auto r = [&](const std::string& name, const std::string& folder) {
    auto p = graph::resolve_model_name(name, folder, m, "");
    return p ? p->string() : std::string("<none>");
  };
  EXPECT_EQ(r("flux1-schnell.safetensors", "diffusion_models"), (m / "unet/flux1-schnell.safetensors").string());
  EXPECT_EQ(r("flux1-schnell.safetensors", "unet"), (m / "unet/flux1-schnell.safetensors").string());
  EXPECT_EQ(r("t5xxl_fp8.safetensors", "text_encoders"), (m / "clip/t5xxl_fp8.safetensors").string());
  EXPECT_EQ(r("alice.pth", "rvc"), (m / "voices/alice.pth").string());
  EXPECT_EQ(r("both.gguf", "unet"), (m / "diffusion_models/both.gguf").string());  // diffusion_models first
  EXPECT_EQ(r("sd15/x.safetensors", "checkpoints"), (m / "checkpoints/sd15/x.safetensors").string());
  EXPECT_EQ(r("ggml-base.bin", "whisper"), (m / "whisper/ggml-base.bin").string());
  EXPECT_EQ(r("ggml-base.bin", "checkpoints"), "<none>");
  EXPECT_EQ(r((m / "voices/alice.pth").string(), "checkpoints"), (m / "voices/alice.pth").string());
  EXPECT_EQ(r("", "checkpoints"), "<none>");
}

TEST(ResolveModels, FallsBackToTheWorkflowFolder) {
  auto m = make_models_dir("models_wfdir", {"here/local.safetensors"});
  auto p = graph::resolve_model_name("local.safetensors", "checkpoints", "", m / "here");
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, m / "here/local.safetensors");
}

TEST(ResolveModels, NotFoundListsWhereItLooked) {
  auto m = make_models_dir("models_missing", {"checkpoints/other.safetensors"});
  graph::LoadOptions opts;
  opts.models_dir = m;
  auto r = load_text(R"({"vkflow": 1, "nodes": {
    "ckpt": {"type": "CheckpointLoader", "inputs": {"checkpoint": "sd15/missing.safetensors"}},
    "enc": {"type": "CLIPTextEncode", "inputs": {"text": "a", "clip": {"from": "ckpt", "output": "clip"}}}}})",
                     opts);
  ASSERT_EQ(error_keys(r), (std::vector<std::string>{"model_not_found ckpt checkpoint", "no_output_node  "}));
  const auto& msg = r.errors[0].code == "model_not_found" ? r.errors[0].message : r.errors[1].message;
  EXPECT_NE(msg.find((m / "checkpoints/sd15/missing.safetensors").string()), std::string::npos) << msg;
  EXPECT_EQ(msg.find("--models"), std::string::npos) << msg;

  auto no_dir = load_text(R"({"vkflow": 1, "nodes": {
    "ckpt": {"type": "CheckpointLoader", "inputs": {"checkpoint": "nowhere.safetensors"}}}})");
  bool found = false;
  for (const auto& d : no_dir.errors)
    if (d.code == "model_not_found") found = d.message.find("VKFLOW_MODELS") != std::string::npos;
  EXPECT_TRUE(found) << all_errors(no_dir);
}

}  // namespace
}  // namespace vkflow::test
