// Reproducing real ComfyUI (comfyui_sd15 fixtures: ComfyUI 0.3.64 on the CPU in float32) with
// the full-size random SD1.5 checkpoint those fixtures were made with. The checkpoint (2.1 GB,
// sha256 94e32d11…, rebuilt with ../shared/tools/make_random.py) is not in the repository:
// set VKFLOW_SD15_FULL=/path/to/sd15_random.safetensors to run this test; it is skipped
// otherwise. Each case runs its ComfyUI API workflow through the loader and executor on the CPU,
// then compares initial noise (bit-exact), sigmas, conditioning, sampled latent and decoded
// image with the tensors ComfyUI recorded: <case>/tensors.safetensors under VKFLOW_COMFYUI_SD15
// (default ../shared/fixtures/comfyui_sd15 beside the source tree; not copied, to keep the repo small).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstdio>

#include "nodes/sd15_handles.hpp"
#include "runtime/cpu/cpu_device.hpp"
#include "runtime/sampling/ksampler.hpp"
#include "runtime/sampling/torch_noise.hpp"
#include "tests/sd15_nodes/helpers.hpp"

namespace vkflow::test {
namespace {

namespace fs = std::filesystem;

struct Err {
  double max = 0, mean = 0, ref_max = 0;
};

Err compare(const std::vector<float>& got, const std::vector<float>& want) {
  Err e;
  EXPECT_EQ(got.size(), want.size());
  const size_t n = std::min(got.size(), want.size());
  for (size_t i = 0; i < n; ++i) {
    const double d = std::fabs(double(got[i]) - want[i]);
    e.max = std::max(e.max, d);
    e.mean += d;
    e.ref_max = std::max(e.ref_max, std::fabs(double(want[i])));
  }
  if (n) e.mean /= double(n);
  return e;
}

void report(const std::string& c, const std::string& what, const Err& e) {
  std::printf("[comfyui_sd15] %-24s %-8s max |diff| %.3g  mean |diff| %.3g  (max |ref| %.3g)\n", c.c_str(), what.c_str(),
              e.max, e.mean, e.ref_max);
  ::testing::Test::RecordProperty(c + "." + what + ".max", std::to_string(e.max));
}

class ComfyFull : public ::testing::TestWithParam<std::string> {};

TEST_P(ComfyFull, MatchesComfyUI) {
  const char* ckpt = std::getenv("VKFLOW_SD15_FULL");
  if (!ckpt || !*ckpt) GTEST_SKIP() << "set VKFLOW_SD15_FULL to the full-size random SD1.5 checkpoint";
  const std::string c = GetParam();
  const char* fix = std::getenv("VKFLOW_COMFYUI_SD15");
  const fs::path fixtures = fix && *fix ? fs::path(fix) : source_dir() / ".." / "shared" / "fixtures" / "comfyui_sd15";
  if (!fs::exists(fixtures / c / "tensors.safetensors")) GTEST_SKIP() << "no ComfyUI tensors under " << fixtures;
  const auto ref = formats::SafetensorsFile::open(fixtures / c / "tensors.safetensors");
  graph::Workflow wf = load_ok(data_dir() / "comfyui_sd15" / "workflows" / (c + ".json"), {"4.ckpt_name=" + std::string(ckpt)});
  ASSERT_FALSE(HasFailure());
  add_save_latent(wf, "3", "latent");
  const auto& ks = wf.nodes.at("3").inputs;
  auto lit = [&](const char* n) { return std::get<nlohmann::json>(ks.at(n)); };

  // Initial noise: torch.randn after manual_seed(seed), bit for bit.
  const std::vector<float> want_noise = ref.read_f32("noise");
  const auto noise = sampling::initial_noise(lit("seed").get<uint64_t>(), want_noise.size());
  const Err en = compare(noise.noise, want_noise);
  report(c, "noise", en);
  EXPECT_EQ(en.max, 0.0);

  // Sigmas as the KSampler computes them.
  const auto ckp = nodes::open_sd15_checkpoint(ckpt);
  const std::string sampler = lit("sampler_name"), scheduler = lit("scheduler");
  const std::vector<double> sig = sampling::ksampler_sigmas(
      [&](int n) { return ckp.model->sigmas(scheduler, n); }, sampler, lit("steps").get<int>(), lit("denoise").get<double>());
  const Err es = compare(std::vector<float>(sig.begin(), sig.end()), ref.read_f32("sigmas"));
  report(c, "sigmas", es);
  EXPECT_LE(es.max, 1e-6 * es.ref_max);

  // Conditioning of the positive prompt.
  const auto text = std::get<nlohmann::json>(wf.nodes.at("6").inputs.at("text")).get<std::string>();
  const auto cond = ckp.clip->encode(text, -1, cpu::device());
  const Err ec = compare(cond.cross_attn.data, ref.read_f32("cond_positive"));
  report(c, "cond", ec);
  EXPECT_LE(ec.max, 1e-4);  // measured ≤ 3.1e-6
  const Err ep = compare(cond.pooled->data, ref.read_f32("pooled_positive"));
  report(c, "pooled", ep);
  EXPECT_LE(ep.max, 1e-4);

  // The workflow itself: sampled latent and the picture.
  const fs::path out = scratch_dir("sd15_full_" + c);
  run_on(wf, cpu::device(), out);
  const std::vector<float> latent = read_latent_file(out / "latent_00001_.latent");
  const Err el = compare(latent, ref.read_f32("latent"));
  report(c, "latent", el);
  // ComfyUI differs from itself by 9.2e-5 with 2 instead of 16 threads (fixture README);
  // measured here ≤ 2.2e-4 (max |latent| ~250-380).
  EXPECT_LE(el.max, 5e-6 * el.ref_max);
  nodes::HostTensor lt{{1, 4, int64_t(ref.at("latent").shape[2]), int64_t(ref.at("latent").shape[3])}, latent};
  const auto img = ckp.vae->decode(lt, cpu::device(), std::nullopt);
  const Err ei = compare(img.data, ref.read_f32("image"));
  report(c, "image", ei);
  EXPECT_LE(ei.max, 1e-4);  // measured ≤ 2e-6
}

INSTANTIATE_TEST_SUITE_P(Cases, ComfyFull,
                         ::testing::Values("euler_normal", "dpmpp_2m_karras", "euler_ancestral_normal", "heun_normal"));

}  // namespace
}  // namespace vkflow::test
