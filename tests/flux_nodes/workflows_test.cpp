// workflows/flux_schnell.json, the flux_schnell template and a ComfyUI API-format FLUX schnell
// workflow (tests/data/flux/comfyui_flux_schnell_api.json, as ComfyUI exports it) end to end on
// the tiny models through the real loader and executor (DualCLIPLoader and the T5/CLIP-L models
// from the T5 work): tokenizers, T5 + CLIP-L, the transformer and the AE in one graph.
#include <gtest/gtest.h>

#include <cmath>

#include "runtime/cpu/cpu_device.hpp"
#include "runtime/media/png_io.hpp"
#include "runtime/sampling/latent_format.hpp"
#include "tests/flux/fixture.hpp"
#include "tests/sd15_nodes/helpers.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;

void expect_png(const scheduler::RunReport& report, int size) {
  ASSERT_EQ(report.outputs.size(), 1u);
  const auto img = media::read_png(report.outputs[0]).image;
  EXPECT_EQ(img.width, size);
  EXPECT_EQ(img.height, size);
}

TEST(FluxWorkflows, SchnellWorkflowAndTemplateRun) {
  // The bf16 transformer the fixture's run used (the workflow's default is the Q8_0/Q4_0 GGUF).
  graph::Workflow wf = load_ok(source_dir() / "workflows" / "flux_schnell.json",
                               {"unet.unet_name=" + (data_dir() / "formats" / "flux_tiny_bf16.safetensors").string()});
  add_save_latent(wf, "sampler", "latent");
  const fs::path out = scratch_dir("flux_schnell_wf");
  auto report = run_on(wf, cpu::device(), out);
  std::erase_if(report.outputs, [](const fs::path& p) { return p.extension() != ".png"; });
  expect_png(report, 128);
  // Prompt 0 of the fixture, seed 4442, 4 steps: diffusers' FluxPipeline run (T5 padded to 256).
  std::vector<float> x = read_latent_file(out / "latent_00001_.latent");
  sampling::latent_to_model(sampling::LatentFormat::flux(), x);
  const std::vector<float> want = flux_f32("run_final_latent_unpacked");
  EXPECT_LE(max_abs_diff(x, want), kFluxStepTol * max_abs(want));
  const graph::Workflow t = load_ok(source_dir() / "workflows" / "templates" / "flux_schnell.json", {"steps=2", "width=64", "height=64"});
  expect_png(run_on(t, cpu::device(), scratch_dir("flux_schnell_template")), 64);
}

TEST(FluxWorkflows, ComfyApiSchnellWorkflowImportsAndRuns) {
  const fs::path flux = data_dir() / "flux";
  const graph::Workflow wf = load_ok(flux / "comfyui_flux_schnell_api.json",
                                     {"12.unet_name=" + (data_dir() / "formats" / "flux_tiny-Q8_0-Q4_0.gguf").string(),
                                      "11.clip_name1=" + (flux / "t5_tiny_fp16.safetensors").string(),
                                      "11.clip_name2=" + (flux / "clip_l_tiny_fp16.safetensors").string(),
                                      "10.vae_name=" + (flux / "ae_tiny.safetensors").string()});
  ASSERT_EQ(wf.nodes.at("12").type, "UNETLoader");
  for (Device* dev : test_devices()) {
    SCOPED_TRACE(dev->name());
    expect_png(run_on(wf, *dev, scratch_dir("flux_comfy_api_" + std::to_string(dev->kind() == DeviceKind::Cpu))), 128);
  }
}

}  // namespace
}  // namespace vkflow::test
