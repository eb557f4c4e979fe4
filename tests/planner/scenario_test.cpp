// The two required scenarios, from full-size sparse model files (real headers, no data) through
// the same model-family estimators the pipeline nodes call.
#include <gtest/gtest.h>

#include <iostream>

#include "runtime/models/flux_estimate.hpp"
#include "runtime/models/model_header.hpp"
#include "runtime/models/sd15_estimate.hpp"
#include "runtime/models/text_encoder_estimate.hpp"
#include "runtime/models/vae_estimate.hpp"
#include "scheduler/byte_size.hpp"
#include "scheduler/plan_report.hpp"
#include "scheduler/planner.hpp"
#include "sparse_models.hpp"
#include "synthetic.hpp"

using namespace vkflow;
using namespace vkflow::models;
using namespace vkflow::scheduler;
using namespace vkflow::test;

namespace {

template <class F>
std::vector<Footprint> on_both(F f) {
  auto v = f(DeviceKind::Vulkan);
  auto c = f(DeviceKind::Cpu);
  v.insert(v.end(), c.begin(), c.end());
  return v;
}

PlanNode save_image(const std::string& id, const std::string& from, int64_t w, int64_t h) {
  Footprint f;
  f.device = DeviceKind::Cpu;
  f.peak_bytes = static_cast<uint64_t>(w * h * 3 * 4 + w * h * 3);  // float image + 8-bit PNG rows
  f.flops = static_cast<double>(w * h * 3 * 20);                      // deflate
  return node(id, "SaveImage", {f}, {from});
}

struct FluxFiles {
  ModelHeader dit, t5, clip, ae;
};

const FluxFiles& flux_files() {
  static FluxFiles f = [] {
    auto dir = scratch_dir("planner_flux");
    write_sparse_gguf(dir / "flux1-schnell-q4_k.gguf", flux_q4k_tensors(read_manifest("flux1-schnell.safetensors.json")), "flux");
    write_sparse_safetensors(dir / "t5xxl_fp16.safetensors", manifest_tensors(read_manifest("t5xxl_fp16.safetensors.json")));
    write_sparse_safetensors(dir / "clip_l.safetensors", manifest_tensors(read_manifest("clip_l.safetensors.json")));
    write_sparse_safetensors(dir / "ae.safetensors", manifest_tensors(read_manifest("flux_ae.safetensors.json")));
    return FluxFiles{read_model_header(dir / "flux1-schnell-q4_k.gguf"), read_model_header(dir / "t5xxl_fp16.safetensors"),
                     read_model_header(dir / "clip_l.safetensors"), read_model_header(dir / "ae.safetensors")};
  }();
  return f;
}

PlanInput flux_graph(int64_t px) {
  const auto& f = flux_files();
  PlanInput in;
  in.nodes.push_back(node("clip", "CLIPTextEncode", on_both([&](DeviceKind d) {
    return clip_text_estimate(f.clip, "text_model.", {77, 1, 4}, d);
  })));
  in.nodes.push_back(node("t5", "T5TextEncode", on_both([&](DeviceKind d) {
    return t5_encoder_estimate(f.t5, "", {256, 1, 4}, d);
  })));
  in.nodes.push_back(node("sampler", "KSampler", on_both([&](DeviceKind d) {
    return flux_dit_estimate(f.dit, {px, px, 256, 1, 4, 4}, d);
  }), {"clip", "t5"}));
  in.nodes.push_back(node("decode", "VAEDecode", on_both([&](DeviceKind d) {
    return vae_decode_estimate(f.ae, "", {px / 8, px / 8, 1, 4, std::nullopt, 8}, d);
  }), {"sampler"}));
  in.nodes.push_back(save_image("save", "decode", px, px));
  return in;
}

}  // namespace

TEST(Scenario, FluxHeadersReadFromSparseFiles) {
  const auto& f = flux_files();
  EXPECT_EQ(f.dit.format, "gguf");
  EXPECT_EQ(f.dit.tensors.size(), 776u);
  EXPECT_EQ(f.dit.at("double_blocks.0.img_attn.qkv.weight").dtype, DType::Q4_K);
  EXPECT_EQ(f.dit.at("img_in.weight").dtype, DType::F16);
  EXPECT_EQ(f.dit.at("img_in.weight").shape, (Shape{3072, 64}));
  EXPECT_EQ(f.dit.count_blocks("double_blocks."), 19);
  EXPECT_EQ(f.dit.count_blocks("single_blocks."), 38);
  EXPECT_EQ(f.t5.count_blocks("encoder.block."), 24);
  auto dit = weights_of(f.dit, "", "dit", DeviceKind::Vulkan);
  // ~11.9 B parameters at 4.5 bits: the seed's "~6.5 GB" Q4_K file.
  EXPECT_GT(dit.bytes, 6.2e9);
  EXPECT_LT(dit.bytes, 6.9e9);
  EXPECT_NEAR(static_cast<double>(weights_of(f.t5, "", "t5", DeviceKind::Cpu).bytes), 9.52e9, 0.05e9);
}

TEST(Scenario, Flux1024OnRx580) {
  // The seed story: FLUX.1-schnell Q4_K + T5-XXL fp16 + CLIP-L + AE on an 8 GB RX 580 host
  // with 32 GiB RAM.
  Machine m = machine_from_profile(*find_profile("rx580-8gb"));
  Plan p = place(flux_graph(1024), m);
  std::cout << budgets_text(m) << placement_table(p) << memory_timeline(p);
  const auto& gpu0 = p.timeline[0];
  ASSERT_EQ(gpu0.device, "vulkan0");

  // The diffusion model runs on the GPU: its tiled attention keeps no 4352x4352 score matrix,
  // so 6.2 GiB of Q4_K weights and under 1 GiB of activations fit.
  const Placement& dit = *p.find("sampler");
  EXPECT_EQ(dit.device_name, "vulkan0");
  EXPECT_LT(dit.peak_bytes, 1ull << 30);

  // T5-XXL fp16 (9.5 GB) cannot be resident on the GPU. The plan keeps its weights in host RAM:
  // either it runs on the CPU, or (faster on this machine) its blocks stream to the GPU.
  const Placement& t5 = *p.find("t5");
  ASSERT_EQ(t5.loads.size(), 1u);
  EXPECT_EQ(t5.loads[0].device, "cpu");
  if (t5.device_name == "vulkan0") {
    EXPECT_EQ(t5.options["stream_weights"], true);
    EXPECT_NE(t5.why.find("'full' on vulkan0 would need"), std::string::npos) << t5.why;
    EXPECT_NE(t5.why.find("stream to the GPU one block at a time"), std::string::npos);
  }
  EXPECT_LT(gpu0.peak[1], 1ull << 30);  // only two block buffers on the GPU

  // CLIP-L on the GPU, loaded before its step and freed after it.
  EXPECT_EQ(p.find("clip")->device_name, "vulkan0");

  // The AE decodes on the GPU: the seed needed --vae-on-cpu --vae-tiling because the DiT stayed
  // resident; here the DiT is freed after its last use, so the decode has the card to itself
  // and a full decode (fastest) fits. The plan says so.
  const Placement& dec = *p.find("decode");
  EXPECT_EQ(dec.device_name, "vulkan0");
  EXPECT_NE(dec.why.find("flux1-schnell-q4_k.gguf#dit (6.24 GiB) freed before it"), std::string::npos) << dec.why;
  EXPECT_EQ(gpu0.resident[3], dec.weight_bytes);  // no DiT weights beside it
  EXPECT_EQ(dit.unload, std::vector<std::string>{dit.model_file});

  // Every step fits every budget.
  for (const auto& t : p.timeline)
    for (uint64_t b : t.peak) EXPECT_LE(b, t.usable) << t.device;
}

TEST(Scenario, FluxOnRx580WhileAnotherAppHoldsVramTilesTheDecode) {
  // With 5 GiB usable the DiT no longer fits (it goes to the CPU) — and at 4 GiB the full
  // decode's 3.5 GiB working set no longer fits beside the AE weights: tiles.
  Machine m = machine_from_profile(*find_profile("rx580-8gb"), {parse_size("3.5GiB"), std::nullopt});
  Plan p = place(flux_graph(1024), m);
  std::cout << placement_table(p);
  EXPECT_EQ(p.find("sampler")->device_name, "cpu");
  const Placement& dec = *p.find("decode");
  EXPECT_EQ(dec.device_name, "vulkan0");
  EXPECT_GT(dec.options["tile"].get<int>(), 0);
  EXPECT_EQ(dec.why.rfind("'full' on vulkan0 would need", 0), 0u) << dec.why;
}

TEST(Scenario, FluxWithTooLittleRamIsRefusedWithReasons) {
  Machine m = machine_from_profile(*find_profile("rx580-8gb"), {std::nullopt, parse_size("8GiB")});
  try {
    place(flux_graph(1024), m);
    FAIL() << "T5-XXL fp16 needs 8.87 GiB of RAM";
  } catch (const PlanInfeasible& e) {
    EXPECT_EQ(e.node, "t5");
    std::string msg = e.what();
    EXPECT_EQ(msg.rfind("plan infeasible: node t5 (T5TextEncode) fits on no device.\n", 0), 0u) << msg;
    EXPECT_NE(msg.find("a smaller quantization of the model (its weights alone need 8.87 GiB)"), std::string::npos) << msg;
    EXPECT_NE(msg.find("\n  cpu (host RAM for vulkan0): 'stream weights' needs 8.87 GiB (weights 8.87 GiB + working "
                       "memory 4.00 MiB) but 8.00 GiB is usable: short by 896 MiB\n"),  // norms held as f32
              std::string::npos) << msg;
    EXPECT_NE(msg.find("more RAM: --ram 8.9GiB or more"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("lower resolution"), std::string::npos) << "4 MiB of activations are not the problem";
  }
}

namespace {
PlanInput sd15_graph(const ModelHeader& ck, int64_t px, int steps) {
  const std::string te = "cond_stage_model.transformer.text_model.";
  PlanInput in;
  for (const char* id : {"pos", "neg"})
    in.nodes.push_back(node(id, "CLIPTextEncode", on_both([&](DeviceKind d) {
      return clip_text_estimate(ck, te, {77, 1, 4}, d);
    })));
  in.nodes.push_back(node("sampler", "KSampler", on_both([&](DeviceKind d) {
    return sd15_unet_estimate(ck, {px, px, 1, true, steps, 77, 4}, d);
  }), {"pos", "neg"}));
  in.nodes.push_back(node("decode", "VAEDecode", on_both([&](DeviceKind d) {
    return vae_decode_estimate(ck, "first_stage_model.", {px / 8, px / 8, 1, 4, std::nullopt, 8}, d);
  }), {"sampler"}));
  in.nodes.push_back(save_image("save", "decode", px, px));
  return in;
}
}  // namespace

TEST(Scenario, Sd15At512FitsWhollyOnAn8GiBGpu) {
  auto dir = scratch_dir("planner_sd15");
  write_sparse_safetensors(dir / "v1-5-pruned-emaonly-fp16.safetensors",
                           manifest_tensors(read_manifest("sd15_v1-5-pruned-emaonly-fp16.safetensors.json")));
  ModelHeader ck = read_model_header(dir / "v1-5-pruned-emaonly-fp16.safetensors");
  for (const char* profile : {"rx580-8gb", "rx6600-8gb"}) {
    Machine m = machine_from_profile(*find_profile(profile));
    Plan p = place(sd15_graph(ck, 512, 20), m);
    std::cout << placement_table(p) << memory_timeline(p);
    for (const char* id : {"pos", "neg", "sampler", "decode"}) {
      const Placement& s = *p.find(id);
      EXPECT_EQ(s.device_name, "vulkan0") << id;
      EXPECT_EQ(s.why.rfind("fastest option, fits", 0), 0u) << id << ": " << s.why;
    }
    EXPECT_EQ(p.find("sampler")->label, "full");
    EXPECT_EQ(p.find("decode")->label, "full");
    // The UNet is ~1.6 GiB of f16 weights.
    EXPECT_NEAR(static_cast<double>(p.find("sampler")->weight_bytes), 1.60 * (1ull << 30), 0.05 * (1ull << 30));
    // One CLIP load serves both prompts.
    EXPECT_EQ(p.find("pos")->load.size(), 1u);
    EXPECT_TRUE(p.find("neg")->load.empty());
    uint64_t top = 0;
    for (uint64_t b : p.timeline[0].peak) top = std::max(top, b);
    EXPECT_LT(top, 4ull << 30);
  }
}
