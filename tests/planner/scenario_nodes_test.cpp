// The SD1.5 scenario through the real node types (CheckpointLoaderSimple, CLIPTextEncode,
// EmptyLatentImage, KSampler, VAEDecode, SaveImage) and their estimate hooks, on a full-size
// sparse checkpoint (real header, no data): 512x512 fits wholly on an 8 GiB GPU. The FLUX
// scenario stays at the planner level (scenario_test.cpp) until its node types exist.
#include <gtest/gtest.h>

#include <iostream>

#include "graph/dag.hpp"
#include "graph/load.hpp"
#include "nodes/node.hpp"
#include "scheduler/plan_builder.hpp"
#include "scheduler/plan_report.hpp"
#include "scheduler/planner.hpp"
#include "scheduler/profiles.hpp"
#include "sparse_models.hpp"

using namespace vkflow;
using namespace vkflow::scheduler;
using namespace vkflow::test;

TEST(ScenarioNodes, Sd15TxtToImgAt512FitsWhollyOnAn8GiBGpu) {
  auto dir = scratch_dir("planner_sd15_nodes");
  std::filesystem::create_directories(dir / "checkpoints");  // a ComfyUI-style models folder
  write_sparse_safetensors(dir / "checkpoints" / "v1-5-pruned-emaonly-fp16.safetensors",
                           manifest_tensors(read_manifest("sd15_v1-5-pruned-emaonly-fp16.safetensors.json")));
  auto& reg = nodes::Registry::instance();
  graph::LoadOptions lo;
  lo.models_dir = dir;
  lo.overrides = {"checkpoint.ckpt_name=v1-5-pruned-emaonly-fp16.safetensors", "latent.width=512",
                  "latent.height=512", "sampler.steps=20"};
  auto loaded = graph::load_workflow(source_dir() / "workflows" / "sd15_txt2img.json", reg.lookup(), lo);
  ASSERT_TRUE(loaded.ok()) << loaded.errors.front().message;
  BuildOptions b;
  b.models_dir = dir;
  PlanInput in = build_plan_input(loaded.workflow, graph::topological_order(loaded.workflow),
                                  [&](std::string_view t) { return reg.find(t); }, b);
  for (const char* profile : {"rx580-8gb", "rx6600-8gb"}) {
    Machine m = machine_from_profile(*find_profile(profile));
    Plan p = place(in, m);
    std::cout << placement_table(p) << memory_timeline(p);
    for (const char* id : {"positive", "negative", "sampler", "decode"}) {
      ASSERT_NE(p.find(id), nullptr) << id;
      EXPECT_EQ(p.find(id)->device_name, "vulkan0") << profile << " " << id << ": " << p.find(id)->why;
    }
    // The UNet's ~1.6 GiB of f16 weights are the sampler's; one CLIP load serves both prompts.
    EXPECT_NEAR(static_cast<double>(p.find("sampler")->weight_bytes), 1.60 * (1ull << 30), 0.05 * (1ull << 30));
    EXPECT_EQ(p.find("positive")->load.size(), 1u);
    EXPECT_TRUE(p.find("negative")->load.empty());
    for (const auto& t : p.timeline)
      for (uint64_t bytes : t.peak) EXPECT_LE(bytes, t.usable) << t.device;
  }
}
