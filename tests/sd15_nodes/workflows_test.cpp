// The SD1.5 workflows end to end through the real loader and executor on the tiny checkpoint:
// txt2img on every test device (same seed -> same latent and picture on CPU and Vulkan),
// img2img, the template and demo, and the ComfyUI API workflows of the comfyui_sd15 fixtures.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/media/png_io.hpp"
#include "tests/sd15/fixture.hpp"
#include "tests/sd15_nodes/helpers.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;

// 64x64 and 3 steps keep the run short on llvmpipe.
std::vector<std::string> small(std::vector<std::string> more = {}) {
  std::vector<std::string> s = {"latent.width=64", "latent.height=64", "sampler.steps=3"};
  s.insert(s.end(), more.begin(), more.end());
  return s;
}

float max_diff(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return INFINITY;
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

TEST(Sd15Workflows, Txt2ImgSameSeedSameImageOnEveryDevice) {
  graph::Workflow wf = load_ok(source_dir() / "workflows" / "sd15_txt2img.json", small());
  add_save_latent(wf, "sampler", "latent");
  std::vector<float> ref_latent;
  media::Image ref_image;
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    const fs::path out = scratch_dir("sd15_txt2img_" + std::to_string(dev->kind() == DeviceKind::Cpu));
    auto report = run_on(wf, *dev, out);
    ASSERT_EQ(report.outputs.size(), 2u);
    const auto img = media::read_png(out / "sd15_txt2img_00001_.png").image;
    EXPECT_EQ(img.width, 64);
    EXPECT_EQ(img.height, 64);
    const std::vector<float> latent = read_latent_file(out / "latent_00001_.latent");
    ASSERT_EQ(latent.size(), 4u * 8 * 8);
    for (float v : latent) ASSERT_TRUE(std::isfinite(v));
    if (ref_latent.empty()) {
      ref_latent = latent;
      ref_image = img;
      continue;
    }
    // Latent values are ~noise·σmax/0.18215 (~±250): relative 1e-3 on fp32 paths, the fast
    // path's floor (fp16-staged GEMMs) scaled as the sd15 model tests do.
    float scale = 0;
    for (float v : ref_latent) scale = std::max(scale, std::fabs(v));
    EXPECT_LE(max_diff(latent, ref_latent), model_tol(*dev, 1e-3f * scale, scale));
    double mean = 0;
    for (size_t i = 0; i < img.data.size(); ++i) mean += std::fabs(img.data[i] - ref_image.data[i]);
    EXPECT_LE(mean / img.data.size(), 1.0 / 255) << "mean |diff| of the 8-bit pictures";
  }
}

TEST(Sd15Workflows, Img2ImgKeepsPartOfTheInputImage) {
  graph::Workflow wf = load_ok(source_dir() / "workflows" / "sd15_img2img.json",
                               {"scale.width=64", "scale.height=64", "sampler.steps=2"});
  add_save_latent(wf, "encode", "encoded");
  const fs::path out = scratch_dir("sd15_img2img");
  run_on(wf, cpu::device(), out);
  const auto img = media::read_png(out / "sd15_img2img_00001_.png").image;
  EXPECT_EQ(img.width, 64);
  const std::vector<float> enc = read_latent_file(out / "encoded_00001_.latent");
  ASSERT_EQ(enc.size(), 4u * 8 * 8);
  // The VAE encoded the picture, not zeros.
  EXPECT_GT(*std::max_element(enc.begin(), enc.end()), *std::min_element(enc.begin(), enc.end()));
}

TEST(Sd15Workflows, TemplateAndDemoRun) {
  const fs::path out = scratch_dir("sd15_template");
  graph::Workflow t = load_ok(source_dir() / "workflows" / "templates" / "txt2img.json",
                              {"checkpoint=" + tiny_ckpt().string(), "width=64", "height=64", "steps=2",
                               "sampler=dpmpp_2m", "scheduler=karras", "prompt=a (red:1.3) fox", "prefix=tpl"});
  run_on(t, cpu::device(), out);
  EXPECT_TRUE(fs::exists(out / "tpl_00001_.png"));
  graph::Workflow demo = load_ok(source_dir() / "workflows" / "demo.json", {"width=64", "height=64", "steps=2"});
  run_on(demo, cpu::device(), out);
  EXPECT_TRUE(fs::exists(out / "demo_00001_.png"));
}

// Each ComfyUI API workflow of the comfyui_sd15 fixtures imports and runs with its checkpoint
// pointed at the tiny model (node 4's ckpt_name, as `--set 4.ckpt_name=...`).
TEST(Sd15Workflows, ComfyApiWorkflowsImportAndRun) {
  for (const auto& e : fs::directory_iterator(data_dir() / "comfyui_sd15" / "workflows")) {
    SCOPED_TRACE(e.path().filename().string());
    graph::Workflow wf = load_ok(e.path(), {"4.ckpt_name=" + tiny_ckpt().string(), "5.width=64", "5.height=64", "3.steps=2"});
    ASSERT_EQ(wf.nodes.at("3").type, "KSampler");
    const fs::path out = scratch_dir("sd15_comfy_" + e.path().stem().string());
    auto report = run_on(wf, cpu::device(), out);
    ASSERT_EQ(report.outputs.size(), 1u);
    EXPECT_EQ(media::read_png(report.outputs[0]).image.width, 64);
  }
}

}  // namespace
}  // namespace vkflow::test
